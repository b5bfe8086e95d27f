using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa;

/// <summary>
/// A Kolmogorov-Arnold layer in the efficient-KAN formulation (docs/algorithms.md, section 8): per input
/// feature a uniform grid of G + 2k + 1 knots on [a, b] extended by k knots on each side, the
/// Cox-de Boor B-spline basis of order k (G + k values per input), and
/// y = SiLU(x) W_base^T + flatten(B(x)) (W_spline * scaler)^T: two matmuls, never a batch x in x out tensor.
/// </summary>
public sealed class KanLayer : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter base_weight;
    private readonly TorchSharp.Modules.Parameter spline_weight;
    private readonly TorchSharp.Modules.Parameter spline_scaler;
    private readonly Tensor grid;

    /// <summary>Creates the layer (defaults: G = 5, k = 3, grid [-3, 3]).</summary>
    public KanLayer(long inFeatures, long outFeatures, ModuleBuild build, int gridSize = 5, int splineOrder = 3, double gridMin = -3, double gridMax = 3, double noiseScale = 0.02, double splineScale = 0.2)
        : base(nameof(KanLayer))
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(splineOrder);
        if (!(gridMax > gridMin))
        {
            throw new ArgumentException($"The grid range [{gridMin}, {gridMax}] is empty.", nameof(gridMax));
        }

        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        GridSize = gridSize;
        SplineOrder = splineOrder;
        var step = (gridMax - gridMin) / gridSize;
        grid = (arange(-splineOrder, gridSize + splineOrder + 1, ScalarType.Float64, build.Device) * step + gridMin)
            .to_type(build.DType).expand(inFeatures, -1).contiguous();
        base_weight = build.NewParameter(outFeatures, inFeatures);
        spline_weight = build.NewParameter(outFeatures, inFeatures, gridSize + splineOrder);
        spline_scaler = build.NewParameter(outFeatures, inFeatures);
        RegisterComponents(); // the grid is a buffer, as in efficient-KAN, so predictor files carry it
        if (build.ShouldInitialize)
        {
            Initialize(noiseScale, splineScale);
        }
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>G: grid intervals inside [a, b].</summary>
    public int GridSize { get; }

    /// <summary>k: spline order (3 = cubic).</summary>
    public int SplineOrder { get; }

    /// <summary>The knots, [in, G + 2k + 1].</summary>
    public Tensor Grid => grid;

    /// <summary>B-spline basis values of x [N, in]: [N, in, G + k] (Cox-de Boor recursion).</summary>
    public Tensor BSplines(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != InFeatures)
        {
            throw new ArgumentException($"Expected [N, {InFeatures}], got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        using var scope = NewDisposeScope();
        var g = grid.to_type(x.dtype);
        var u = x.unsqueeze(-1);
        var bases = (u >= g[.., ..^1]).logical_and(u < g[.., 1..]).to_type(x.dtype);
        for (var j = 1; j <= SplineOrder; j++)
        {
            var left = (u - g[.., ..^(j + 1)]) / (g[.., j..^1] - g[.., ..^(j + 1)]) * bases[.., .., ..^1];
            var right = (g[.., (j + 1)..] - u) / (g[.., (j + 1)..] - g[.., 1..^j]) * bases[.., .., 1..];
            bases = left + right;
        }

        return bases.contiguous().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var leading = input.shape[..^1];
        var x = input.reshape(-1, InFeatures);
        var baseOutput = nn.functional.linear(nn.functional.silu(x), base_weight);
        var scaled = (spline_weight * spline_scaler.unsqueeze(-1)).view(OutFeatures, -1);
        var splineOutput = nn.functional.linear(BSplines(x).view(x.shape[0], -1), scaled);
        return (baseOutput + splineOutput).reshape([.. leading, OutFeatures]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Spline coefficients [out, in, G + k] whose curves fit y [N, in, out] at x [N, in] in the least-squares sense.
    /// </summary>
    public Tensor CurveToCoefficients(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        using var scope = NewDisposeScope();
        // Solved in float64: the CPU least-squares solver's last bits depend on what its workspace
        // held before, so a float32 solve differs from run to run (and so would a training run
        // from a seed); rounding a float64 solution gives the same bits every time.
        var a = BSplines(x.to_type(ScalarType.Float64)).transpose(0, 1);       // [in, N, G + k]
        var b = y.to_type(ScalarType.Float64).transpose(0, 1);                 // [in, N, out]
        var (solution, _, _, _) = linalg.lstsq(a, b);                          // [in, G + k, out]
        return solution.permute(2, 0, 1).to_type(y.dtype).contiguous().MoveToOuterDisposeScope();
    }

    private void Initialize(double noiseScale, double splineScale)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        nn.init.kaiming_uniform_(base_weight, a: Math.Sqrt(5));
        var knots = grid.T[SplineOrder..^SplineOrder];     // [G + 1, in]: the knots inside [a, b]
        var noise = (rand([GridSize + 1, InFeatures, OutFeatures], dtype: base_weight.dtype, device: base_weight.device) - 0.5) * noiseScale / GridSize;
        spline_weight.copy_(CurveToCoefficients(knots, noise));
        nn.init.kaiming_uniform_(spline_scaler, a: Math.Sqrt(5) * splineScale);
    }
}
