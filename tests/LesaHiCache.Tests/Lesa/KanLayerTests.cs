using LesaHiCache.Layers;
using LesaHiCache.Lesa;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Lesa;

public class KanLayerTests
{
    private static KanLayer Layer(long inFeatures = 3, long outFeatures = 2)
    {
        manual_seed(17);
        return new KanLayer(inFeatures, outFeatures, new ModuleBuild(CPU, ScalarType.Float64));
    }

    [Fact]
    public void Grid_IsUniformAndExtendedByKKnotsEachSide()
    {
        using var kan = Layer();
        // G = 5 on [-3, 3]: h = 1.2, knots -3 - 3h .. 3 + 3h, 12 of them.
        var knots = kan.Grid[0].data<double>().ToArray();
        Assert.Equal(12, knots.Length);
        Assert.All(knots.Select((k, i) => (k, i)), p => Assert.Equal(-3 + (p.i - 3) * 1.2, p.k, 12));
    }

    [Fact]
    public void Basis_IsAPartitionOfUnityInsideTheGrid()
    {
        using var kan = Layer();
        using var x = linspace(-2.999, 2.999, 101, ScalarType.Float64).unsqueeze(1).expand(-1, 3).contiguous();
        using var bases = kan.BSplines(x);
        Assert.Equal(new long[] { 101, 3, 8 }, bases.shape);
        using var sums = bases.sum(-1);
        Assert.True(allclose(sums, ones_like(sums), rtol: 0, atol: 1e-12));
        Assert.True((bases >= 0).all().item<bool>());
    }

    /// <summary>The uniform cubic B-spline on knots t_i .. t_{i+4}, by its four polynomial pieces.</summary>
    private static double CubicBSpline(double x, double start, double h)
    {
        var u = (x - start) / h;
        return u switch
        {
            < 0 or >= 4 => 0,
            < 1 => u * u * u / 6,
            < 2 => (-3 * u * u * u + 12 * u * u - 12 * u + 4) / 6,
            < 3 => (3 * u * u * u - 24 * u * u + 60 * u - 44) / 6,
            _ => (4 - u) * (4 - u) * (4 - u) / 6,
        };
    }

    [Theory]
    [InlineData(-2.7)]
    [InlineData(-0.31)]
    [InlineData(0.0)]
    [InlineData(1.55)]
    [InlineData(2.95)]
    public void EachBasisFunction_MatchesTheHandEvaluatedCubicBSpline(double point)
    {
        using var kan = Layer(inFeatures: 1);
        using var x = tensor(new[] { point }, [1, 1]);
        using var bases = kan.BSplines(x);
        var values = bases[0, 0].data<double>().ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            var start = -3 + (i - 3) * 1.2; // knot t_i
            Assert.Equal(CubicBSpline(point, start, 1.2), values[i], 12);
        }
    }

    [Fact]
    public void CurveToCoefficients_FitsACubicExactly()
    {
        using var kan = Layer(inFeatures: 2, outFeatures: 1);
        using var x = linspace(-2.9, 2.9, 40, ScalarType.Float64).unsqueeze(1).expand(-1, 2).contiguous();
        using var y = (x.pow(3) / 10 - x).unsqueeze(-1); // a cubic: in the spline space
        using var coefficients = kan.CurveToCoefficients(x, y);
        using var bases = kan.BSplines(x);
        using var fitted = einsum("nik,oik->nio", bases, coefficients);
        Assert.True(allclose(fitted, y, rtol: 0, atol: 1e-9));
    }

    [Fact]
    public void Float32Initialisation_IsTheSameBitsEveryTime()
    {
        // The float32 CPU least-squares solve behind the spline initialisation varies in its last
        // bits with what freed memory held; allocations in between vary that.
        Tensor? first = null;
        for (var i = 0; i < 6; i++)
        {
            using (var scope = NewDisposeScope())
            {
                _ = Enumerable.Range(0, i + 1).Select(k => randn(97 + 61 * k * i)).ToList();
            }

            manual_seed(23);
            using var kan = new KanLayer(17, 16, new ModuleBuild(CPU, ScalarType.Float32));
            var weights = kan.state_dict()["spline_weight"];
            if (first is null)
            {
                first = weights.clone();
                continue;
            }

            Assert.True(weights.equal(first).all().item<bool>(), $"build {i}");
        }

        first!.Dispose();
    }

    [Fact]
    public void Forward_HasTheRightShapes_ForAnyLeadingAxes()
    {
        using var kan = Layer(inFeatures: 4, outFeatures: 3);
        using var flat = randn(5, 4, ScalarType.Float64);
        using var nested = randn(2, 6, 4, ScalarType.Float64);
        using var a = kan.forward(flat);
        using var b = kan.forward(nested);
        Assert.Equal(new long[] { 5, 3 }, a.shape);
        Assert.Equal(new long[] { 2, 6, 3 }, b.shape);
        using var wide = new KanLayer(51, 256, new ModuleBuild(CPU, ScalarType.Float32));
        using var input = randn(1, 51);
        using var output = wide.forward(input);
        Assert.Equal(new long[] { 1, 256 }, output.shape);
    }

    [Fact]
    public void Gradients_ReachEveryParameter()
    {
        using var kan = Layer(inFeatures: 3, outFeatures: 2);
        using var x = randn(7, 3, ScalarType.Float64);
        using var loss = kan.forward(x).square().sum();
        loss.backward();
        var parameters = kan.named_parameters().ToList();
        Assert.Equal(["base_weight", "spline_weight", "spline_scaler"], parameters.Select(p => p.name));
        Assert.All(parameters, p =>
        {
            Assert.NotNull(p.parameter.grad);
            Assert.True(p.parameter.grad!.abs().sum().item<double>() > 0, p.name);
        });
        Assert.Contains("grid", kan.state_dict().Keys);
    }
}
