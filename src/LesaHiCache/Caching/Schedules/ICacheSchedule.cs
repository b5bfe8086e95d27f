namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// Decides when to compute fully; independent of how forecasts are made. A schedule is a
/// reusable description; <see cref="Begin"/> gives the per-generation planner.
/// </summary>
public interface ICacheSchedule
{
    /// <summary>Short name with parameters, e.g. "interval(7, warmup=3)".</summary>
    string Name { get; }

    /// <summary>
    /// What the planner decides from (<see cref="StepSignal.None"/> for schedules that decide from the
    /// step index): the runner measures it before every step's decision.
    /// </summary>
    StepSignal Signal { get; }

    /// <summary>
    /// Blocks at the end of the stack that run on every step, after the forecast ones (cache-dit's Bn;
    /// 0 for every schedule but DBCache's). On a forecast step they run for real on the forecast state
    /// of both streams, so they need <see cref="CacheLevel.Block"/> (docs/indicators.md).
    /// </summary>
    int TrailingBlocks => 0;

    /// <summary>A planner for one generation over <paramref name="times"/> (t_0 = 1 .. t_S = 0).</summary>
    IStepPlanner Begin(IReadOnlyList<double> times);
}
