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

    /// <summary>A planner for one generation over <paramref name="times"/> (t_0 = 1 .. t_S = 0).</summary>
    IStepPlanner Begin(IReadOnlyList<double> times);
}
