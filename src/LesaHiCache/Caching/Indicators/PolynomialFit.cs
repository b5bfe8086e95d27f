namespace LesaHiCache.Caching.Indicators;

/// <summary>Least-squares polynomial fits (numpy.polyfit's problem: coefficients from the highest power).</summary>
public static class PolynomialFit
{
    /// <summary>
    /// The coefficients c[0] .. c[degree] of c[0] x^degree + ... + c[degree] minimising the squared
    /// error over the points. The columns are scaled to unit norm and the normal equations solved by
    /// Gaussian elimination with partial pivoting, in double precision.
    /// </summary>
    public static double[] Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, int degree)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfNegative(degree);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"{x.Count} x values but {y.Count} y values.", nameof(y));
        }

        if (x.Count <= degree)
        {
            throw new ArgumentException($"A degree-{degree} fit needs more than {degree} points, got {x.Count}.", nameof(x));
        }

        if (x.Concat(y).Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("The points must be finite.", nameof(x));
        }

        if (x.Distinct().Count() <= degree)
        {
            throw new ArgumentException($"A degree-{degree} fit needs more than {degree} distinct x values, got {x.Distinct().Count()}.", nameof(x));
        }

        var n = degree + 1;
        var columns = new double[n][];
        var scales = new double[n];
        for (var j = 0; j < n; j++)
        {
            var power = degree - j;
            columns[j] = [.. x.Select(v => Math.Pow(v, power))];
            scales[j] = Math.Sqrt(columns[j].Sum(v => v * v));
            if (scales[j] == 0)
            {
                scales[j] = 1;
            }

            for (var i = 0; i < columns[j].Length; i++)
            {
                columns[j][i] /= scales[j];
            }
        }

        // Normal equations A c = b with A = V^T V, b = V^T y (V scaled).
        var a = new double[n, n + 1];
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                a[r, c] = Dot(columns[r], columns[c]);
            }

            a[r, n] = Dot(columns[r], y);
        }

        for (var pivot = 0; pivot < n; pivot++)
        {
            var best = pivot;
            for (var r = pivot + 1; r < n; r++)
            {
                if (Math.Abs(a[r, pivot]) > Math.Abs(a[best, pivot]))
                {
                    best = r;
                }
            }

            if (Math.Abs(a[best, pivot]) < 1e-300)
            {
                throw new ArgumentException($"The points do not determine a degree-{degree} polynomial (too few distinct x values).", nameof(x));
            }

            for (var c = 0; c <= n; c++)
            {
                (a[pivot, c], a[best, c]) = (a[best, c], a[pivot, c]);
            }

            for (var r = 0; r < n; r++)
            {
                if (r == pivot)
                {
                    continue;
                }

                var factor = a[r, pivot] / a[pivot, pivot];
                for (var c = pivot; c <= n; c++)
                {
                    a[r, c] -= factor * a[pivot, c];
                }
            }
        }

        return [.. Enumerable.Range(0, n).Select(j => a[j, n] / a[j, j] / scales[j])];
    }

    private static double Dot(double[] u, IReadOnlyList<double> v)
    {
        var sum = 0.0;
        for (var i = 0; i < u.Length; i++)
        {
            sum += u[i] * v[i];
        }

        return sum;
    }
}
