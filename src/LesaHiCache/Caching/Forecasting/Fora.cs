namespace LesaHiCache.Caching.Forecasting;

/// <summary>FORA: reuse the last computed features, F^ = D_0.</summary>
public sealed class Fora(ForecasterOptions? options = null) : PolynomialForecaster(0, options)
{
    /// <inheritdoc />
    public override string Name => "fora";

    /// <inheritdoc />
    protected override double[] Weights(int length, double k) => [1.0];
}
