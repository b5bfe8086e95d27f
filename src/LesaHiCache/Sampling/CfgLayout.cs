namespace LesaHiCache.Sampling;

/// <summary>How a sampler evaluates classifier-free guidance within one step.</summary>
public enum CfgLayout
{
    /// <summary>No guidance: one call per step, every row conditional.</summary>
    None,

    /// <summary>One call per step over the doubled batch [unconditional; conditional] (the first half of the rows is unconditional).</summary>
    BatchedHalves,

    /// <summary>Two calls per step: the unconditional rows first, then the conditional ones.</summary>
    SeparateCalls,
}
