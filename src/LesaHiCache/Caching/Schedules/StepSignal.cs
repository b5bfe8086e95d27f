namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// The signal a schedule decides from: what the caching runner measures before each step, and which
/// earlier step it is compared with. The session hands the planner the relative L1 change,
/// mean|s - s_ref| / mean|s_ref|, over the whole batch (docs/indicators.md).
/// </summary>
/// <param name="Source">What is measured.</param>
/// <param name="LeadingBlocks">With <see cref="SignalSource.LeadingResidual"/>: how many blocks run on every step before the decision (cache-dit's Fn).</param>
/// <param name="ComparedWith">Which earlier step's signal is the reference.</param>
public sealed record StepSignal(SignalSource Source, int LeadingBlocks, SignalReference ComparedWith)
{
    /// <summary>No signal: the schedule decides from the step index.</summary>
    public static StepSignal None { get; } = new(SignalSource.None, 0, SignalReference.LastFullStep);

    /// <summary>TeaCache's: the first block's modulated input against the previous step's.</summary>
    public static StepSignal ModulatedInput { get; } = new(SignalSource.ModulatedInput, 0, SignalReference.PreviousStep);

    /// <summary>The residual of the first <paramref name="blocks"/> blocks against the last full step's (First-Block Cache: 1; DBCache: Fn).</summary>
    public static StepSignal LeadingResidual(int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        return new(SignalSource.LeadingResidual, blocks, SignalReference.LastFullStep);
    }

    /// <summary>Whether the runner measures anything.</summary>
    public bool IsNone => Source == SignalSource.None;
}
