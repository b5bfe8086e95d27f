using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// Where a step lies on the forecaster's axis: the step index s, and the sampler time t in [0, 1]
/// (1 = noise) of an S-step schedule.
/// </summary>
/// <param name="Step">Step index s (0-based).</param>
/// <param name="Time">Sampler time t_s.</param>
/// <param name="Steps">Steps S of the generation.</param>
public readonly record struct StepPosition(int Step, double Time, int Steps)
{
    /// <summary>
    /// The coordinate distances are measured in: the step index, or (1 - t) S, which equals the
    /// step index on a uniform schedule and follows the real spacing of a shifted one.
    /// </summary>
    public double Coordinate(DistanceUnit unit) => unit == DistanceUnit.Steps ? Step : (1 - Time) * Steps;
}

/// <summary>How the distance between steps is measured.</summary>
public enum DistanceUnit
{
    /// <summary>In step indices (the papers' default).</summary>
    Steps,

    /// <summary>In sampler time, scaled by S so that a uniform schedule gives step units.</summary>
    SamplerTime,
}

/// <summary>
/// Forecasts cached features on steps where they are not computed. Full steps hand it fresh
/// features (<see cref="Observe"/>); forecast steps ask it for a prediction (<see cref="Forecast"/>).
/// It owns the per-item state, keyed by <see cref="CacheItemKey"/>, and releases it on
/// <see cref="Reset"/> and <see cref="IDisposable.Dispose"/>.
/// </summary>
public interface IFeatureForecaster : IDisposable
{
    /// <summary>Short name with parameters, e.g. "hicache(order=2, sigma=0.5)".</summary>
    string Name { get; }

    /// <summary>Records fresh features of <paramref name="item"/> computed at <paramref name="position"/>; they are copied (detached).</summary>
    void Observe(CacheItemKey item, Tensor features, StepPosition position);

    /// <summary>A prediction for <paramref name="item"/> at <paramref name="position"/>, in the observed features' dtype and device.</summary>
    /// <exception cref="InvalidOperationException">The item was never observed.</exception>
    Tensor Forecast(CacheItemKey item, StepPosition position);

    /// <summary>
    /// Adds <paramref name="scale"/> * <see cref="Forecast"/> to <paramref name="target"/> in place
    /// (a forecast step's gated residual; <paramref name="scale"/> broadcasts against the forecast).
    /// Forecasters may override it to skip materialising the forecast.
    /// </summary>
    /// <exception cref="InvalidOperationException">The item was never observed.</exception>
    void AddScaledForecast(CacheItemKey item, StepPosition position, Tensor target, Tensor scale)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(scale);
        using var _ = no_grad();
        using var forecast = Forecast(item, position);
        target.addcmul_(scale, forecast, 1);
    }

    /// <summary>Bytes of tensor state held, over all items.</summary>
    long StateBytes { get; }

    /// <summary>Number of items held.</summary>
    int ItemCount { get; }

    /// <summary>Releases all state (call at the start of every generation).</summary>
    void Reset();

    /// <summary>
    /// Called after <see cref="Reset"/> at the start of a generation with the sampler's times
    /// t_0 = 1 .. t_S = 0, the schedule's warm-up and the CFG layout, for forecasters that depend on
    /// them (the reference ladder's warm-up rule, LESA's gains and per-half experts).
    /// </summary>
    void BeginGeneration(GenerationInfo generation)
    {
    }
}
