using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa;

namespace LesaHiCache.Benchmarks;

/// <summary>The forecasters and schedules the suites compare, by name (BenchmarkDotNet parameters must be simple values).</summary>
internal static class CacheMethods
{
    public static Func<IFeatureForecaster> Forecaster(string name, BundledModelFixture fixture, int fullSteps) => name switch
    {
        "lesa" => Capture(fixture.Predictor(fullSteps)),
        "fora" => () => new Fora(),
        "taylorseer1" => () => new TaylorSeer(1),
        "taylorseer2" => () => new TaylorSeer(2),
        "hicache" => () => new HiCache(2, 0.5),
        _ => throw new ArgumentException($"Unknown forecaster '{name}'.", nameof(name)),
    };

    /// <summary>LESA forecasts at model level; the others at the level asked for.</summary>
    public static CacheLevel Level(string forecaster, string level) =>
        forecaster == "lesa" || level == "model" ? CacheLevel.Model : CacheLevel.Module;

    private static Func<IFeatureForecaster> Capture(LesaPredictor predictor) => () => new LesaForecaster(predictor);

    /// <summary>Interval schedule with warm-up 3 giving <paramref name="fullSteps"/> of 50 (10: N = 7, 8: N = 10).</summary>
    public static ICacheSchedule Schedule(int fullSteps) => fullSteps switch
    {
        10 => new FixedIntervalSchedule(7, warmup: 3),
        8 => new FixedIntervalSchedule(10, warmup: 3),
        _ => throw new ArgumentException($"No interval schedule for {fullSteps} full steps of 50.", nameof(fullSteps)),
    };
}
