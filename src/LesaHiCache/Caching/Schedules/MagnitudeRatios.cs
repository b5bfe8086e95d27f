namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// MagCache's calibrated curve: per step, the mean over tokens of ||r_t|| / ||r_{t-1}||, the ratio of
/// the norms of successive stack residuals (output minus input), with 1 for step 0 (docs/indicators.md).
/// </summary>
public sealed record MagnitudeRatios
{
    /// <summary>A curve of one ratio per step (at least one, all positive and finite).</summary>
    public MagnitudeRatios(IReadOnlyList<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        if (ratios.Count == 0 || ratios.Any(r => !double.IsFinite(r) || r <= 0))
        {
            throw new ArgumentException("Magnitude ratios need at least one step, each positive and finite.", nameof(ratios));
        }

        Ratios = [.. ratios];
    }

    /// <summary>The MagCache reference's FLUX.1-dev curve (28 steps, MagCache4FLUX).</summary>
    public static MagnitudeRatios Flux1Dev { get; } = new([
        1.0, 1.21094, 1.11719, 1.07812, 1.0625, 1.03906, 1.03125, 1.03906, 1.02344, 1.03125, 1.02344, 0.98047, 1.01562, 1.00781,
        1.0, 1.00781, 1.0, 1.00781, 1.0, 1.0, 0.99609, 0.99609, 0.98047, 0.98828, 0.96484, 0.95703, 0.93359, 0.89062]);

    /// <summary>One ratio per step.</summary>
    public IReadOnlyList<double> Ratios { get; }

    /// <summary>
    /// The curve for <paramref name="steps"/> steps, as the reference resamples it: entry i is the
    /// calibrated entry nearest to i (n - 1) / (steps - 1), rounding halves to even; one step takes the
    /// last entry. Ratios are not compounded over wider gaps.
    /// </summary>
    public IReadOnlyList<double> For(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (steps == Ratios.Count)
        {
            return Ratios;
        }

        if (steps == 1)
        {
            return [Ratios[^1]];
        }

        var scale = (Ratios.Count - 1) / (double)(steps - 1);
        return [.. Enumerable.Range(0, steps).Select(i => Ratios[(int)Math.Round(i * scale, MidpointRounding.ToEven)])];
    }

    /// <inheritdoc />
    public bool Equals(MagnitudeRatios? other) => other is not null && Ratios.SequenceEqual(other.Ratios);

    /// <inheritdoc />
    public override int GetHashCode() => Ratios.Aggregate(0, (h, r) => HashCode.Combine(h, r));
}
