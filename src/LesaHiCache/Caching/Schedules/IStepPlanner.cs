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
    /// Whether step <paramref name="step"/> is a full step. <paramref name="firstBlockChange"/> is the
    /// relative change of the first block's residual since the last full step (only for schedules
    /// that use it; null on the first steps).
    /// </summary>
    bool IsFullStep(int step, double? firstBlockChange = null);
}
