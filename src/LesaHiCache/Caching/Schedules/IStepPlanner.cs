namespace LesaHiCache.Caching.Schedules;

/// <summary>One generation's decisions, asked once per step, in order.</summary>
public interface IStepPlanner
{
    /// <summary>
    /// W: the leading steps 0..W-1 that are always full (at least 1). For a schedule that knows its
    /// full steps in advance, the length of the run of consecutive full steps from step 0.
    /// </summary>
    int WarmupSteps { get; }

    /// <summary>
    /// Whether step <paramref name="step"/> is a full step. <paramref name="signalChange"/> is the
    /// relative change of the schedule's <see cref="ICacheSchedule.Signal"/> against its reference
    /// (only for schedules with a signal; null when there is no reference yet, or the change was not finite).
    /// </summary>
    bool IsFullStep(int step, double? signalChange = null);

    /// <summary>
    /// The value the last decision compared with the schedule's threshold (the change itself, or an
    /// accumulated one), or null when it compared none (warm-up, forced steps, schedules without a
    /// threshold). Statistics collect it so that users can pick a threshold.
    /// </summary>
    double? LastIndicator => null;
}
