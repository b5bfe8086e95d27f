using System.Globalization;
using LesaHiCache.Evaluation;

namespace LesaHiCache.Caching;

/// <summary>The spread of an indicator's values over steps (linear interpolation between order statistics), to pick a threshold from.</summary>
/// <param name="Count">Values.</param>
/// <param name="Min">Smallest.</param>
/// <param name="P25">25th percentile.</param>
/// <param name="P50">Median.</param>
/// <param name="P75">75th percentile.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="Max">Largest.</param>
public sealed record IndicatorPercentiles(int Count, double Min, double P25, double P50, double P75, double P95, double Max)
{
    /// <summary>The percentiles of <paramref name="values"/> (at least one).</summary>
    public static IndicatorPercentiles Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No values to take percentiles of.", nameof(values));
        }

        return new IndicatorPercentiles(
            sorted.Length, sorted[0], PairedSpeedup.Quantile(sorted, 0.25), PairedSpeedup.Quantile(sorted, 0.5), PairedSpeedup.Quantile(sorted, 0.75), PairedSpeedup.Quantile(sorted, 0.95), sorted[^1]);
    }

    /// <summary>"min 0.012, P25 0.031, P50 0.05, P75 0.081, P95 0.14, max 0.2 (over 40 steps)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"min {Min:G3}, P25 {P25:G3}, P50 {P50:G3}, P75 {P75:G3}, P95 {P95:G3}, max {Max:G3} (over {Count} steps)");
}
