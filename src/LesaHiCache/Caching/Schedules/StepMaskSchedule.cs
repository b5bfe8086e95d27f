namespace LesaHiCache.Caching.Schedules;

/// <summary>Exactly the given full steps (every other step is forecast).</summary>
public sealed class StepMaskSchedule : PlannedSchedule
{
    private readonly int[] fullSteps;

    /// <summary>Creates the schedule from the full-step indices (step 0 must be among them).</summary>
    public StepMaskSchedule(IEnumerable<int> fullSteps)
    {
        ArgumentNullException.ThrowIfNull(fullSteps);
        this.fullSteps = fullSteps.Distinct().Order().ToArray();
        if (this.fullSteps.Length == 0 || this.fullSteps[0] != 0)
        {
            throw new ArgumentException("The mask must include step 0: nothing can be forecast before a full step.", nameof(fullSteps));
        }
    }

    /// <inheritdoc />
    public override string Name => $"mask({string.Join(",", fullSteps)})";

    /// <inheritdoc />
    public override IReadOnlySet<int> FullSteps(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var steps = times.Count - 1;
        if (fullSteps[^1] >= steps)
        {
            throw new ArgumentException($"The mask names step {fullSteps[^1]}, but the generation has {steps} steps.", nameof(times));
        }

        return fullSteps.ToHashSet();
    }
}
