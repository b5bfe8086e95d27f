using LesaHiCache.Caching.Forecasting;
using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// Sees what a <see cref="CacheSession"/> computes without taking part in forecasting (trajectory
/// recording, diagnostics). It must not change the tensors it is shown; it copies what it keeps.
/// </summary>
public interface ICacheObserver
{
    /// <summary>A generation starts (after the forecaster's <see cref="IFeatureForecaster.BeginGeneration"/>).</summary>
    void BeginGeneration(GenerationInfo generation)
    {
    }

    /// <summary>A full step computed <paramref name="features"/> for <paramref name="item"/> (once per item per full step).</summary>
    void Computed(CacheItemKey item, Tensor features, StepPosition position);
}
