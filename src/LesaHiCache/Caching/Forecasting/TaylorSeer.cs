namespace LesaHiCache.Caching.Forecasting;

/// <summary>TaylorSeer: F^ = sum_i D_i k^i / i! (the Taylor coefficients a_i weighted by k^i).</summary>
public sealed class TaylorSeer(int order = 1, ForecasterOptions? options = null) : PolynomialForecaster(order, options)
{
    /// <inheritdoc />
    public override string Name => $"taylorseer(order={Order})";

    /// <inheritdoc />
    protected override double[] Weights(int length, double k) =>
        Enumerable.Range(0, length).Select(n => Math.Pow(k, n)).ToArray();
}
