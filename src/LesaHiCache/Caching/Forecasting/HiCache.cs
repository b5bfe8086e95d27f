using System.Globalization;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// HiCache: F^ = D_0 + sum_{n>=1} D_n sigma^n H_n(sigma k) / n!, physicists' Hermite polynomials with
/// one sigma contracting the argument and damping order n ("dual scaling").
/// </summary>
public sealed class HiCache : PolynomialForecaster
{
    /// <summary>The largest sigma accepted: sigma^n H_n(sigma k) grows like (2 sigma^2 k)^n, and the papers use 0.5.</summary>
    public const double MaxSigma = 10;

    /// <summary>Creates the forecaster (the papers' operating point: order 2, sigma 0.5; 0 &lt; sigma &lt;= <see cref="MaxSigma"/>).</summary>
    public HiCache(int order = 2, double sigma = 0.5, ForecasterOptions? options = null) : base(order, options)
    {
        if (!(sigma > 0) || !(sigma <= MaxSigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, $"sigma must be in (0, {MaxSigma}].");
        }

        Sigma = sigma;
    }

    /// <summary>The scale sigma.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"hicache(order={Order}, sigma={Sigma})");

    /// <inheritdoc />
    protected override double[] Weights(int length, double k)
    {
        // D_n / n! = a_n, so the weight of a_n is sigma^n H_n(sigma k).
        var h = Hermite.Values(length - 1, Sigma * k);
        var weights = new double[length];
        weights[0] = 1.0;
        for (var n = 1; n < length; n++)
        {
            weights[n] = Math.Pow(Sigma, n) * h[n];
        }

        return weights;
    }
}
