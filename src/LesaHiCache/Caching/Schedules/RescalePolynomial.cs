using System.Globalization;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// TeaCache's rescale: a polynomial from the relative change of the modulated input to the expected
/// relative change of the output, fitted per model (docs/indicators.md). Coefficients run from the
/// highest power to the constant, as numpy's <c>poly1d</c> takes them.
/// </summary>
public sealed record RescalePolynomial
{
    /// <summary>A polynomial c[0] x^n + ... + c[n].</summary>
    public RescalePolynomial(IReadOnlyList<double> coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (coefficients.Count == 0 || coefficients.Any(c => !double.IsFinite(c)))
        {
            throw new ArgumentException("A rescale polynomial needs at least one coefficient, all finite.", nameof(coefficients));
        }

        Coefficients = [.. coefficients];
    }

    /// <summary>The TeaCache reference's FLUX.1-dev fit (TeaCache4FLUX).</summary>
    public static RescalePolynomial Flux1Dev { get; } = new([498.651651, -283.781631, 55.8554382, -3.82021401, 0.264230861]);

    /// <summary>The TeaCache reference's HunyuanVideo fit (TeaCache4HunyuanVideo).</summary>
    public static RescalePolynomial HunyuanVideo { get; } = new([733.226126, -401.131952, 67.5869174, -3.14987800, 0.0961237896]);

    /// <summary>Coefficients, highest power first.</summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>The polynomial at <paramref name="x"/> (Horner's rule).</summary>
    public double Evaluate(double x) => Coefficients.Aggregate(0.0, (sum, c) => (sum * x) + c);

    /// <inheritdoc />
    public bool Equals(RescalePolynomial? other) => other is not null && Coefficients.SequenceEqual(other.Coefficients);

    /// <inheritdoc />
    public override int GetHashCode() => Coefficients.Aggregate(0, (h, c) => HashCode.Combine(h, c));

    /// <summary>"[498.65, -283.78, ...]".</summary>
    public override string ToString() => "[" + string.Join(", ", Coefficients.Select(c => c.ToString("G6", CultureInfo.InvariantCulture))) + "]";
}
