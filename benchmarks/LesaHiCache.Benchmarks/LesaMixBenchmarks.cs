using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// The LESA forecast of the bundled model's one model-level item at batch 8 with CFG (16 rows of 64
/// image tokens x 192 channels, float32) from a history ring of K = 8 outputs, mixed per CFG half
/// (a per-half predictor's two expert sets): F^ = sum_k c_k F_{t-k} + b per half, without the model
/// around it. Three ways to compute the same sum with TorchSharp operations: the forecaster's
/// in-place chain (copy, scale, bias, one add per further row), a fill with the bias followed by one
/// add per row, one [1, K] x [K, N/2] product per half, and one batched product for both halves.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 30)]
[MedianColumn]
public class LesaMixBenchmarks
{
    private const int Capacity = 8;
    private const int Parts = 2;
    private const long Elements = 16L * 64 * 192;

    private readonly float[] coefficients = [.. Enumerable.Range(0, Capacity).Select(k => 1f / (k + 2))];
    private Scalar[] alphas = [];
    private Scalar bias = null!;
    private Tensor ring = null!;
    private Tensor destination = null!;
    private Tensor coefficientRow = null!;
    private Tensor partCoefficients = null!;
    private Tensor partBiases = null!;

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(Environment.ProcessorCount);
        ring = randn([Capacity, Elements], generator: new Generator(11));
        destination = empty([Parts, Elements / Parts]);
        coefficientRow = tensor(coefficients, [1, Capacity]);
        partCoefficients = tensor([.. coefficients, .. coefficients], [Parts, 1, Capacity]);
        partBiases = full([Parts, 1, 1], 0.5f);
        alphas = [.. coefficients.Select(c => c.ToScalar())];
        bias = 0.5.ToScalar();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ring.Dispose();
        destination.Dispose();
        coefficientRow.Dispose();
        partCoefficients.Dispose();
        partBiases.Dispose();
        foreach (var alpha in alphas)
        {
            alpha.Dispose();
        }

        bias.Dispose();
    }

    /// <summary>destination = F_newest * c + b, then += c_k F_k for every other row (the forecaster's chain).</summary>
    [Benchmark(Baseline = true)]
    public void InPlaceChain()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var halves = ring.view(Capacity, Parts, -1);
        for (var part = 0; part < Parts; part++)
        {
            var target = destination[part];
            target.copy_(halves[0, part]).mul_(alphas[0]).add_(bias);
            for (var k = 1; k < Capacity; k++)
            {
                target.add_(halves[k, part], alpha: alphas[k]);
            }
        }
    }

    /// <summary>destination = b, then += c_k F_k for every row.</summary>
    [Benchmark]
    public void FillThenAdds()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var halves = ring.view(Capacity, Parts, -1);
        for (var part = 0; part < Parts; part++)
        {
            var target = destination[part];
            target.fill_(bias);
            for (var k = 0; k < Capacity; k++)
            {
                target.add_(halves[k, part], alpha: alphas[k]);
            }
        }
    }

    /// <summary>One [1, K] x [K, N/2] product per half (rows strided by N), then the bias.</summary>
    [Benchmark]
    public void ProductPerHalf()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var halves = ring.view(Capacity, Parts, -1);
        for (var part = 0; part < Parts; part++)
        {
            var mixed = coefficientRow.mm(halves[TensorIndex.Colon, TensorIndex.Single(part)]);
            destination[part].copy_(mixed[0]).add_(bias);
        }
    }

    /// <summary>Both halves in one batched product, c [2,1,K] x F [2,K,N/2], then the biases.</summary>
    [Benchmark]
    public void BatchedProduct()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var halves = ring.view(Capacity, Parts, -1).permute(1, 0, 2);
        // The product is the forecast itself: no destination to copy into.
        partCoefficients.bmm(halves).add_(partBiases);
    }
}
