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

/// <summary>SD3-style fixed shift: t' = s t / (1 + (s - 1) t). s = 1 is the identity.</summary>
/// <param name="Shift">The shift s (&gt; 0).</param>
public sealed record StaticShift(double Shift) : TimestepShift
{
    /// <inheritdoc />
    public override double Apply(double t, int imageTokens)
    {
        if (!(Shift > 0))
        {
            throw new InvalidOperationException($"The shift must be positive, got {Shift}.");
        }

        return Shift * t / (1 + (Shift - 1) * t);
    }
}

/// <summary>
/// FLUX's dynamic shift: mu grows linearly with the image token count from <see cref="BaseShift"/>
/// at <see cref="BaseTokens"/> to <see cref="MaxShift"/> at <see cref="MaxTokens"/>, and
/// t' = e^mu / (e^mu + (1/t - 1)).
/// </summary>
public sealed record DynamicShift(int BaseTokens = 256, int MaxTokens = 4096, double BaseShift = 0.5, double MaxShift = 1.15) : TimestepShift
{
    /// <summary>The exponent mu used for an image of this many tokens.</summary>
    public double Mu(int imageTokens)
    {
        if (MaxTokens <= BaseTokens)
        {
            throw new InvalidOperationException($"MaxTokens ({MaxTokens}) must exceed BaseTokens ({BaseTokens}).");
        }

        var slope = (MaxShift - BaseShift) / (MaxTokens - BaseTokens);
        return imageTokens * slope + (BaseShift - slope * BaseTokens);
    }

    /// <inheritdoc />
    public override double Apply(double t, int imageTokens)
    {
        var e = Math.Exp(Mu(imageTokens));
        return e / (e + (1 / t - 1));
    }
}
