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

/// <summary>One generation's decisions, asked once per step, in order.</summary>
public interface IStepPlanner
{
    /// <summary>
    /// W: the leading steps 0..W-1 that are always full (at least 1). For a schedule that knows its
    /// full steps in advance, the length of the run of consecutive full steps from step 0.
    /// </summary>
    int WarmupSteps { get; }

    /// <summary>
    /// Whether step <paramref name="step"/> is a full step. <paramref name="firstBlockChange"/> is the
    /// relative change of the first block's residual since the last full step (only for schedules
    /// that use it; null on the first steps).
    /// </summary>
    bool IsFullStep(int step, double? firstBlockChange = null);
}

/// <summary>Base of schedules whose full steps are known in advance.</summary>
public abstract class PlannedSchedule : ICacheSchedule
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public bool UsesFirstBlockSignal => false;

    /// <summary>The full steps of an S-step generation, S = times.Count - 1.</summary>
    public abstract IReadOnlySet<int> FullSteps(IReadOnlyList<double> times);

    /// <inheritdoc />
    public IStepPlanner Begin(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count < 2)
        {
            throw new ArgumentException("A schedule needs at least one step (two times).", nameof(times));
        }

        var fullSteps = FullSteps(times);
        if (!fullSteps.Contains(0))
        {
            throw new ArgumentException($"The schedule {Name} does not compute step 0 fully: nothing can be forecast before a full step.", nameof(times));
        }

        return new Planner(fullSteps);
    }

    private sealed class Planner(IReadOnlySet<int> fullSteps) : IStepPlanner
    {
        public int WarmupSteps { get; } = LeadingRun(fullSteps);

        public bool IsFullStep(int step, double? firstBlockChange = null) => fullSteps.Contains(step);

        private static int LeadingRun(IReadOnlySet<int> steps)
        {
            var run = 0;
            while (steps.Contains(run))
            {
                run++;
            }

            return run;
        }
    }
}
