namespace LesaHiCache.Caching.Schedules;

/// <summary>What the caching runner measures before a step's decision, for schedules that decide while sampling.</summary>
public enum SignalSource
{
    /// <summary>Nothing: the schedule decides from the step index alone.</summary>
    None,

    /// <summary>The residual of the first blocks together (their output minus the stack's input); those blocks run on every step and are not cached.</summary>
    LeadingResidual,

    /// <summary>The first block's modulated input (normalised, then scaled and shifted by the timestep's modulation), before the block runs (TeaCache).</summary>
    ModulatedInput,
}
