namespace LesaHiCache.Caching.Schedules;

/// <summary>Base of schedules whose full steps are known in advance.</summary>
public abstract class PlannedSchedule : ICacheSchedule
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public bool UsesFirstBlockSignal => false;

    /// <summary>The full steps of an S-step generation, S = times.Count - 1.</summary>
    public abstract IReadOnlySet<int> FullSteps(IReadOnlyList<double> times);

    /// <summary>The full steps of <paramref name="schedule"/> over <paramref name="times"/> in order, or null when it decides while sampling.</summary>
    public static IReadOnlyList<int>? FullStepsOf(ICacheSchedule schedule, IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(times);
        return schedule is PlannedSchedule planned ? [.. planned.FullSteps(times).Order()] : null;
    }

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
