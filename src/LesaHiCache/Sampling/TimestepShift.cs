namespace LesaHiCache.Sampling;

/// <summary>
/// Warps the uniform flow-matching times t in (0, 1] toward the noisy end, as FLUX does, so more
/// steps are spent at high noise. Implementations are pure functions of t.
/// </summary>
public abstract record TimestepShift
{
    /// <summary>No warp: t stays uniform.</summary>
    public static TimestepShift None { get; } = new StaticShift(1.0);

    /// <summary>FLUX.1-dev's resolution-dependent shift (diffusers <c>calculate_shift</c> defaults).</summary>
    public static TimestepShift FluxDynamic { get; } = new DynamicShift();

    /// <summary>Shifted t for uniform t in (0, 1], for an image of <paramref name="imageTokens"/> tokens.</summary>
    public abstract double Apply(double t, int imageTokens);
}
