using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// Forecasts cached features on steps where they are not computed (docs/caching.md, "Add a
/// forecaster"). Full steps hand it fresh features (<see cref="Observe"/>); forecast steps ask it for a
/// prediction (<see cref="Forecast"/>, <see cref="AddScaledForecast"/>), which must not change its
/// state: asking twice gives the same tensor. Its state changes only in <see cref="Observe"/> and
/// <see cref="ObserveForecast"/>, which the session calls once per item per step. It owns the per-item
/// state, keyed by <see cref="CacheItemKey"/>, and releases it on <see cref="Reset"/> and
/// <see cref="IDisposable.Dispose"/>.
/// </summary>
public interface IFeatureForecaster : IDisposable
{
    /// <summary>Short name with parameters, e.g. "hicache(order=2, sigma=0.5)".</summary>
    string Name { get; }

    /// <summary>Records fresh features of <paramref name="item"/> computed at <paramref name="position"/>; they are copied (detached).</summary>
    void Observe(CacheItemKey item, Tensor features, StepPosition position);

    /// <summary>A prediction for <paramref name="item"/> at <paramref name="position"/>, in the observed features' dtype and device; pure.</summary>
    /// <exception cref="InvalidOperationException">The item was never observed.</exception>
    Tensor Forecast(CacheItemKey item, StepPosition position);

    /// <summary>
    /// Adds <paramref name="scale"/> * <see cref="Forecast"/> to <paramref name="target"/> in place
    /// (a forecast step's gated residual; <paramref name="scale"/> broadcasts against the forecast).
    /// Forecasters may override it to skip materialising the forecast; it is pure, like <see cref="Forecast"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The item was never observed.</exception>
    void AddScaledForecast(CacheItemKey item, StepPosition position, Tensor target, Tensor scale)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(scale);
        using var _ = no_grad();
        using var forecast = Forecast(item, position);
        target.addcmul_(scale, forecast, Scalars.One);
    }

    /// <summary>
    /// Whether the forecasts feed the state (LESA's history holds the last outputs, computed or
    /// forecast). When true, the session materialises each forecast step's forecast once per item and
    /// hands it to <see cref="ObserveForecast"/>; when false it may add forecasts without materialising them.
    /// </summary>
    bool ObservesForecasts => false;

    /// <summary>Records the forecast the generation used for <paramref name="item"/> at <paramref name="position"/> (only when <see cref="ObservesForecasts"/>; once per item per forecast step).</summary>
    void ObserveForecast(CacheItemKey item, Tensor forecast, StepPosition position)
    {
    }

    /// <summary>Bytes of tensor state held, over all items.</summary>
    long StateBytes { get; }

    /// <summary>Number of items held.</summary>
    int ItemCount { get; }

    /// <summary>Releases all state (call at the start of every generation).</summary>
    void Reset();

    /// <summary>
    /// The most bytes this forecaster holds for one item of <paramref name="itemElements"/> values
    /// whose features come in <paramref name="featureType"/>: what its state allocates once full, for
    /// planning cache memory (<see cref="CacheMemoryPlan"/>) before a generation.
    /// </summary>
    /// <exception cref="NotSupportedException">The forecaster cannot say.</exception>
    long StateBytesPerItem(long itemElements, ScalarType featureType) =>
        throw new NotSupportedException($"The forecaster {Name} does not plan its memory.");

    /// <summary>
    /// Called after <see cref="Reset"/> at the start of a generation with the sampler's times
    /// t_0 = 1 .. t_S = 0, the schedule's warm-up and the CFG layout, for forecasters that depend on
    /// them (the reference ladder's warm-up rule, LESA's gains and per-half experts).
    /// </summary>
    void BeginGeneration(GenerationInfo generation)
    {
    }
}
