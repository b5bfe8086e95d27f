using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// One item's state: the outputs of its last order + 1 full steps (newest first, in the state dtype
/// on the state device, by default the features') and the Taylor coefficients a_n = D_n / n! at the last full step, kept
/// as weights over those outputs (a_n = sum_j A[n][j] F_j, in double precision). Both derivative
/// schemes are linear in the outputs, so a full step only copies its output into the tensor of the
/// output that drops out, and a forecast sum_n c_n a_n is one weighted sum of the kept outputs.
/// </summary>
internal sealed class PolynomialState : IDisposable
{
    private readonly List<Tensor> outputs = []; // newest first, at most order + 1
    private readonly List<double> nodes = []; // their coordinates, newest first
    private List<double[]> taylor = []; // taylor[n][j]: weight of outputs[j] in a_n

    public PolynomialState(ScalarType featureType, ScalarType stateType, Device featureDevice, Device? stateDevice)
    {
        FeatureType = featureType;
        StateType = stateType;
        FeatureDevice = featureDevice;
        StateDevice = stateDevice ?? featureDevice;
        Offloaded = stateDevice is not null;
    }

    public ScalarType FeatureType { get; }

    /// <summary>Where the features come from and forecasts go.</summary>
    public Device FeatureDevice { get; }

    /// <summary>Where the kept outputs live.</summary>
    public Device StateDevice { get; }

    /// <summary>Whether a state device was chosen: outputs are copied there and forecasts back (even to and from the same device).</summary>
    public bool Offloaded { get; }

    public ScalarType StateType { get; }

    /// <summary>The kept outputs, newest first.</summary>
    public IReadOnlyList<Tensor> Outputs => outputs;

    /// <summary>Number of Taylor coefficients known (at most order + 1).</summary>
    public int CoefficientCount => taylor.Count;

    public double LastNode => nodes[0];

    public long Bytes => outputs.Sum(c => c.NumberOfElements * c.ElementSize);

    /// <summary>The weight of each kept output in sum_n <paramref name="coefficientWeights"/>[n] a_n.</summary>
    public double[] OutputWeights(double[] coefficientWeights)
    {
        var result = new double[outputs.Count];
        for (var n = 0; n < coefficientWeights.Length; n++)
        {
            for (var j = 0; j < result.Length; j++)
            {
                result[j] += coefficientWeights[n] * taylor[n][j];
            }
        }

        return result;
    }

    /// <summary>
    /// Records <paramref name="features"/> (not owned: copied into the state) observed at
    /// <paramref name="node"/>. Without <paramref name="formsDifferences"/> (the reference ladder
    /// before the warm-up's last step) the derivatives become D_0 = F alone.
    /// </summary>
    public void Update(CacheItemKey item, Tensor features, double node, int order, DerivativeScheme scheme, bool formsDifferences = true)
    {
        if (nodes.Count > 0 && !(node > nodes[0]))
        {
            throw new InvalidOperationException($"Full steps must move forward: got coordinate {node} after {nodes[0]} for '{item}'.");
        }

        if (outputs.Count > 0 && !outputs[0].shape.SequenceEqual(features.shape))
        {
            throw new InvalidOperationException(
                $"'{item}' changed shape from [{string.Join(", ", outputs[0].shape)}] to [{string.Join(", ", features.shape)}]: reset the forecaster before a generation of another batch size or resolution.");
        }

        // Index 0 is the new output; the old ones move one place back.
        var fresh = UnitAtFront(outputs.Count + 1);
        var updated = taylor.Count == 0 || order == 0 || !formsDifferences
            ? [fresh]
            : scheme == DerivativeScheme.Interpolating ? Interpolate(fresh, node, order) : Ladder(fresh, node, order);
        Keep(features, KeptOutputs(order));
        // The output that dropped out is no longer part of the polynomial (its weights are zero up to rounding).
        taylor = updated.Select(t => t.Length > outputs.Count ? t[..outputs.Count] : t).ToList();
        nodes.Insert(0, node);
        if (nodes.Count > order + 1)
        {
            nodes.RemoveAt(nodes.Count - 1);
        }
    }

    /// <summary>
    /// Q(x) = P(x) + (F - P(x_new)) w(x) / w(x_new), where w is the product of (x - x_l) over the
    /// last min(nodes, order) full steps: the interpolant through the new point and those nodes,
    /// re-expanded around the new point. P is shifted to x_new (a_0 becomes P(x_new)), then
    /// q = P(x_new) - F enters each a_n with weight -w_n / w(x_new), and a_0 becomes F.
    /// </summary>
    private List<double[]> Interpolate(double[] fresh, double node, int order)
    {
        var h = node - nodes[0];
        var a = taylor.Select(Shifted).ToList();
        var length = a.Count;
        for (var i = 0; i < length - 1; i++)
        {
            for (var j = length - 2; j >= i; j--)
            {
                AddScaled(a[j], a[j + 1], h);
            }
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

        var q = a[0];
        AddScaled(q, fresh, -1);
        for (var n = 1; n < length; n++)
        {
            AddScaled(a[n], q, -w[n] / wAtNew);
        }

        if (length < order + 1)
        {
            // One more node than before: the polynomial gains a degree, with leading coefficient -q / w(x_new).
            var top = new double[q.Length];
            AddScaled(top, q, -w[length] / wAtNew);
            a.Add(top);
        }

        a[0] = fresh;
        return a;
    }

    /// <summary>
    /// The reference ladder (docs/algorithms.md, section 3) in Taylor coefficients: new a_0 = F and
    /// new a_{i+1} = (new a_i - old a_i) / (d (i + 1)).
    /// </summary>
    private List<double[]> Ladder(double[] fresh, double node, int order)
    {
        var d = node - nodes[0];
        var result = new List<double[]> { fresh };
        for (var i = 0; i < order && i < taylor.Count; i++)
        {
            var next = Shifted(taylor[i]);
            for (var j = 0; j < next.Length; j++)
            {
                next[j] = (result[i][j] - next[j]) / (d * (i + 1));
            }

            result.Add(next);
        }

        return result;
    }

    /// <summary>Outputs kept for a polynomial of <paramref name="order"/>: the last order + 1 full steps.</summary>
    public static int KeptOutputs(int order) => order + 1;

    /// <summary>Puts a copy of <paramref name="features"/> first, reusing the tensor of the output that drops out.</summary>
    private void Keep(Tensor features, int capacity)
    {
        using var _ = no_grad();
        if (outputs.Count == capacity)
        {
            var recycled = outputs[^1];
            recycled.copy_(features);
            outputs.RemoveAt(outputs.Count - 1);
            outputs.Insert(0, recycled);
            return;
        }

        using var detached = features.detach();
        outputs.Insert(0, detached.to(StateType, StateDevice, copy: true).DetachFromDisposeScope());
    }

    private static double[] UnitAtFront(int length)
    {
        var unit = new double[length];
        unit[0] = 1;
        return unit;
    }

    /// <summary>Old weights re-indexed for a list with the new output in front.</summary>
    private static double[] Shifted(double[] weights)
    {
        var shifted = new double[weights.Length + 1];
        Array.Copy(weights, 0, shifted, 1, weights.Length);
        return shifted;
    }

    private static void AddScaled(double[] target, double[] source, double scale)
    {
        for (var j = 0; j < target.Length; j++)
        {
            target[j] += scale * source[j];
        }
    }

    public void Dispose()
    {
        foreach (var output in outputs)
        {
            output.Dispose();
        }

        outputs.Clear();
        nodes.Clear();
        taylor = [];
    }
}
