namespace LesaHiCache.Caching.Forecasting;

/// <summary>Physicists' Hermite polynomials: H_0 = 1, H_1(x) = 2x, H_{n+1} = 2x H_n - 2n H_{n-1}.</summary>
internal static class Hermite
{
    /// <summary>H_0(x) .. H_maxOrder(x).</summary>
    public static double[] Values(int maxOrder, double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxOrder);
        var h = new double[maxOrder + 1];
        h[0] = 1;
        if (maxOrder >= 1)
        {
            h[1] = 2 * x;
        }

        for (var n = 1; n < maxOrder; n++)
        {
            h[n + 1] = 2 * x * h[n] - 2 * n * h[n - 1];
        }

        return h;
    }
}
