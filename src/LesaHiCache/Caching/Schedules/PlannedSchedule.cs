namespace LesaHiCache.Caching.Schedules;

/// <summary>Base of schedules whose full steps are known in advance.</summary>
public abstract class PlannedSchedule : ICacheSchedule
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public StepSignal Signal => StepSignal.None;

    /// <summary>The full steps of an S-step generation, S = times.Count - 1.</summary>
    public abstract IReadOnlySet<int> FullSteps(IReadOnlyList<double> times);

    /// <summary>For schedules planned from a threshold: the value each step compared with it (<see cref="IStepPlanner.LastIndicator"/>); null for the others.</summary>
    protected virtual IReadOnlyDictionary<int, double>? Indicators(IReadOnlyList<double> times) => null;

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

        return new Planner(fullSteps, Indicators(times));
    }

    private sealed class Planner(IReadOnlySet<int> fullSteps, IReadOnlyDictionary<int, double>? indicators) : IStepPlanner
    {
        public int WarmupSteps { get; } = LeadingRun(fullSteps);

        public double? LastIndicator { get; private set; }

        public bool IsFullStep(int step, double? signalChange = null)
        {
            LastIndicator = indicators is not null && indicators.TryGetValue(step, out var value) ? value : null;
            return fullSteps.Contains(step);
        }

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
