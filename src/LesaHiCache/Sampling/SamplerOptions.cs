namespace LesaHiCache.Sampling;

/// <summary>Settings of one flow-matching generation.</summary>
public sealed record SamplerOptions
{
    /// <summary>Number of Euler steps S (each one model evaluation, two with CFG batched as one).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Time warp; FLUX's resolution-dependent shift by default.</summary>
    public TimestepShift Shift { get; init; } = TimestepShift.FluxDynamic;

    /// <summary>
    /// Classifier-free guidance scale s: v = v_null + s (v_text - v_null). 1 disables CFG
    /// (one evaluation per step); any other value needs <see cref="NullText"/>.
    /// </summary>
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>The null (empty-prompt) conditioning for CFG, batch 1 or the generation's batch.</summary>
    public TextConditioning? NullText { get; init; }

    /// <summary>How CFG combines the two velocities (Qwen-Image: <see cref="CfgCombination.KeepConditionalNorm"/>).</summary>
    public CfgCombination CfgCombination { get; init; } = CfgCombination.Plain;

    /// <summary>Whether CFG is on.</summary>
    public bool UsesCfg => GuidanceScale != 1.0;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 1, nameof(Steps));
        ArgumentNullException.ThrowIfNull(Shift, nameof(Shift));
        if (!double.IsFinite(GuidanceScale))
        {
            throw new ArgumentOutOfRangeException(nameof(GuidanceScale), GuidanceScale, "The guidance scale must be finite.");
        }

        if (!Enum.IsDefined(CfgCombination))
        {
            throw new ArgumentOutOfRangeException(nameof(CfgCombination), CfgCombination, "Unknown CFG combination.");
        }

        if (UsesCfg && NullText is null)
        {
            throw new ArgumentException($"GuidanceScale = {GuidanceScale} enables classifier-free guidance: set NullText to the null conditioning.");
        }
    }
}
