namespace LesaHiCache.Sampling;

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
