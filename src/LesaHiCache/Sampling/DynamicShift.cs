namespace LesaHiCache.Sampling;

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
