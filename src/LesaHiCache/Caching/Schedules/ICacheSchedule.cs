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
    /// Whether the planner wants the first block's relative residual change on every step
    /// (adaptive schedules): then the first block runs on every step before the decision.
    /// </summary>
    bool UsesFirstBlockSignal { get; }

    /// <summary>A planner for one generation over <paramref name="times"/> (t_0 = 1 .. t_S = 0).</summary>
    IStepPlanner Begin(IReadOnlyList<double> times);
}
