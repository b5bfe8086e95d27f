using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// One item's state: Taylor coefficients a_n = D_n / n! (n = 0..len-1, len &lt;= order + 1) of the
/// trajectory at the last full step, in the state dtype on the features' device, plus the
/// coordinates of the recent full steps.
/// </summary>
internal sealed class PolynomialState : IDisposable
{
    private readonly List<Tensor> coefficients = [];
    private readonly List<double> nodes = []; // newest first, at most order + 1

    public PolynomialState(ScalarType featureType) => FeatureType = featureType;

    public ScalarType FeatureType { get; }

    public IReadOnlyList<Tensor> Coefficients => coefficients;

    public double LastNode => nodes[0];

    public long Bytes => coefficients.Sum(c => c.NumberOfElements * c.ElementSize);

    /// <summary>Takes ownership of <paramref name="fresh"/> (already in the state dtype, detached).</summary>
    public void Update(Tensor fresh, double node, int order, DerivativeScheme scheme)
    {
        // State outlives the caller's dispose scope (a block's forward); it is released by Dispose.
        fresh.DetachFromDisposeScope();
        if (nodes.Count > 0 && !(node > nodes[0]))
        {
            fresh.Dispose();
            throw new InvalidOperationException($"Full steps must move forward: got coordinate {node} after {nodes[0]}.");
        }

        List<Tensor> updated;
        if (coefficients.Count == 0 || order == 0)
        {
            updated = [fresh];
        }
        else
        {
            updated = scheme == DerivativeScheme.Interpolating ? Interpolate(fresh, node, order) : Ladder(fresh, node, order);
            fresh.Dispose();
        }

        foreach (var old in coefficients)
        {
            old.Dispose();
        }

        coefficients.Clear();
        coefficients.AddRange(updated.Select(t => t.DetachFromDisposeScope()));
        nodes.Insert(0, node);
        if (nodes.Count > order + 1)
        {
            nodes.RemoveAt(nodes.Count - 1);
        }
    }

    /// <summary>
    /// Q(x) = P(x) + (F - P(x_new)) w(x) / w(x_new), where w is the product of (x - x_l) over the
    /// last min(nodes, order) full steps: the interpolant through the new point and those nodes,
    /// re-expanded around the new point.
    /// </summary>
    private List<Tensor> Interpolate(Tensor fresh, double node, int order)
    {
        var h = node - nodes[0];
        var length = coefficients.Count;
        using var residual = fresh.clone();
        for (var m = 0; m < length; m++)
        {
            residual.add_(coefficients[m], alpha: -Math.Pow(h, m));
        }

        var w = new double[] { 1.0 }; // coefficients of w(x_new + u) in u
        var wAtNew = 1.0;
        for (var l = 0; l < Math.Min(nodes.Count, order); l++)
        {
            var offset = node - nodes[l];
            wAtNew *= offset;
            var next = new double[w.Length + 1];
            for (var i = 0; i < w.Length; i++)
            {
                next[i] += w[i] * offset;
                next[i + 1] += w[i];
            }

            w = next;
        }

        var newLength = Math.Min(length + 1, order + 1);
        var result = new List<Tensor>(newLength);
        for (var n = 0; n < newLength; n++)
        {
            var term = n < w.Length ? residual * (w[n] / wAtNew) : zeros_like(residual);
            for (var m = n; m < length; m++)
            {
                term.add_(coefficients[m], alpha: Binomial(m, n) * Math.Pow(h, m - n));
            }

            result.Add(term);
        }

        return result;
    }

    /// <summary>new D_0 = F; new D_{i+1} = (new D_i - old D_i) / d while an old D_i exists.</summary>
    private List<Tensor> Ladder(Tensor fresh, double node, int order)
    {
        var d = node - nodes[0];
        var derivatives = new List<Tensor> { fresh.clone() };
        for (var i = 0; i < order && i < coefficients.Count; i++)
        {
            using var oldDerivative = coefficients[i] * Factorial(i);
            derivatives.Add((derivatives[i] - oldDerivative) / d);
        }

        // Back to Taylor coefficients a_n = D_n / n!, in place (D_n is no longer needed once D_{n+1} exists).
        for (var n = 2; n < derivatives.Count; n++)
        {
            derivatives[n].div_(Factorial(n));
        }

        return derivatives;
    }

    private static double Binomial(int m, int n)
    {
        double result = 1;
        for (var i = 1; i <= n; i++)
        {
            result = result * (m - n + i) / i;
        }

        return result;
    }

    internal static double Factorial(int n)
    {
        double result = 1;
        for (var i = 2; i <= n; i++)
        {
            result *= i;
        }

        return result;
    }

    public void Dispose()
    {
        foreach (var c in coefficients)
        {
            c.Dispose();
        }

        coefficients.Clear();
        nodes.Clear();
    }
}
