using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa;

namespace LesaHiCache.Benchmarks;

/// <summary>The suites' cache configurations, from methods and schedules written as the CLI writes them (BenchmarkDotNet parameters must be simple values).</summary>
internal static class BenchmarkMethods
{
    /// <summary>
    /// <paramref name="method"/> (e.g. <c>taylorseer:order=2</c>) at <paramref name="level"/>, as the
    /// registry parses it (LESA is a model-level forecaster; it uses the fixture's shipped predictor
    /// for <paramref name="fullSteps"/>).
    /// </summary>
    public static CacheConfig Config(string method, string level, BundledModelFixture fixture, int fullSteps, ICacheSchedule schedule)
    {
        var spec = MethodSpec.Parse(method, Enum.Parse<CacheLevel>(level, ignoreCase: true));
        var forecaster = spec.IsLesa ? Capture(fixture.Predictor(fullSteps)) : spec.Forecaster ?? throw new ArgumentException($"'{method}' makes no forecaster.", nameof(method));
        return new CacheConfig { Level = spec.Level, Forecaster = forecaster, Schedule = schedule };
    }

    /// <summary>Interval schedule with warm-up 3 giving <paramref name="fullSteps"/> of 50 (10: N = 7, 8: N = 10).</summary>
    public static ICacheSchedule Schedule(int fullSteps) => ScheduleSpec.Parse(fullSteps switch
    {
        10 => "interval:7:3",
        8 => "interval:10:3",
        _ => throw new ArgumentException($"No interval schedule for {fullSteps} full steps of 50.", nameof(fullSteps)),
    }).Schedule;

    private static Func<IFeatureForecaster> Capture(LesaPredictor predictor) => () => new LesaForecaster(predictor);
}
