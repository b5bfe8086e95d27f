using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using Microsoft.Extensions.Logging;

namespace LesaHiCache.Caching;

/// <summary>
/// How to cache: what (<see cref="Level"/>), when to compute fully (<see cref="Schedule"/>) and how to
/// forecast (<see cref="Forecaster"/>); any combination works. The defaults are the papers' operating
/// point: module level, HiCache order 2 sigma 0.5 on the reference difference ladder, and the
/// TaylorSeer/HiCache counter rule with N = 6, W = 3 (<see cref="SchedulePresets.TaylorSeer5x"/>:
/// full steps {0,1,2,8,14,20,26,32,38,44}, 5.00x fewer evaluations at 50 steps).
/// </summary>
public sealed record CacheConfig
{
    /// <summary>The papers' operating point.</summary>
    public static CacheConfig Default { get; } = new();

    /// <summary>What is cached.</summary>
    public CacheLevel Level { get; init; } = CacheLevel.Module;

    /// <summary>Creates the forecaster of one session (it holds that session's state).</summary>
    public Func<IFeatureForecaster> Forecaster { get; init; } = () => new HiCache(2, 0.5);

    /// <summary>When to compute fully.</summary>
    public ICacheSchedule Schedule { get; init; } = SchedulePresets.TaylorSeer5x;

    /// <summary>
    /// Shadow mode: forecast steps on which the real outputs are computed too and the forecast error
    /// recorded (the forecast is still what the generation uses). Null: none.
    /// </summary>
    public IReadOnlySet<int>? ShadowSteps { get; init; }

    /// <summary>
    /// What happens when a full step computes NaN or infinite features: by default the generation
    /// computes every remaining step fully and a warning is logged (the forecaster never ingests them).
    /// </summary>
    public NonFinitePolicy OnNonFiniteFeatures { get; init; } = NonFinitePolicy.ComputeFully;

    /// <summary>Receives one Debug line per step decision and a Warning when features are not finite.</summary>
    public ILogger? Logger { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder) => Printed.Members(this, builder);
}
