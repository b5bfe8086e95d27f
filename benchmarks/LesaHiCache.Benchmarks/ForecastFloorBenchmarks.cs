using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// The least a forecast step must do with the bundled model's cached items at batch 8 with CFG (16
/// rows of 64 image tokens x 192 channels, float32), without the model around it: each item's kept
/// outputs multiplied by their forecast weights and added, under the block's gate, into the stream, one
/// in-place multiply-add per kept output, as the polynomial forecasters add them. Module level holds 8
/// items (image attention and MLP of 2 dual blocks, one output of each of 4 single blocks), model level
/// one; FORA keeps one output per item, order-2 TaylorSeer and HiCache three. These figures bound from
/// below what the forecast step of <see cref="StepCostBenchmarks"/> can cost at each level
/// (docs/results/forecast-floor.md).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 30)]
[MedianColumn]
public class ForecastFloorBenchmarks
{
    private const int Rows = 16;
    private const int ImageTokens = 64;
    private const int Width = 192;

    private readonly List<Tensor[]> items = [];
    private readonly List<Tensor> itemGates = [];
    private Tensor stream = null!;
    private Tensor gate = null!;
    private Scalar[] weights = [];
    private Tensor weightRow = null!;
    private Tensor channelMajorState = null!;

    /// <summary>Cached items: 8 at module level, 1 at model level.</summary>
    [Params(1, 8)]
    public int Items { get; set; }

    /// <summary>Kept outputs per item: 1 (FORA) or 3 (order 2).</summary>
    [Params(1, 3)]
    public int KeptOutputs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(Environment.ProcessorCount);
        var generator = new Generator(7);
        for (var i = 0; i < Items; i++)
        {
            items.Add([.. Enumerable.Range(0, KeptOutputs).Select(_ => randn([Rows, ImageTokens, Width], generator: generator))]);
        }

        stream = randn([Rows, ImageTokens, Width], generator: generator);
        gate = randn([Rows, 1, Width], generator: generator);
        weights = [.. Enumerable.Range(0, KeptOutputs).Select(j => (1.0 / (j + 1)).ToScalar())];
        weightRow = tensor(Enumerable.Range(0, KeptOutputs).Select(j => 1f / (j + 1)).ToArray());
        for (var i = 0; i < Items; i++)
        {
            itemGates.Add(randn([Rows, Width], generator: generator));
        }

        // Every item's kept outputs in one tensor, channel-major: [rows * width, tokens, items * kept].
        using var stacked = stack(items.SelectMany(i => i).ToArray(), dim: -1);
        channelMajorState = stacked.permute(0, 2, 1, 3).reshape(Rows * Width, ImageTokens, Items * KeptOutputs).contiguous();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        items.SelectMany(i => i).ToList().ForEach(t => t.Dispose());
        items.Clear();
        itemGates.ForEach(t => t.Dispose());
        itemGates.Clear();
        stream.Dispose();
        gate.Dispose();
        weightRow.Dispose();
        channelMajorState.Dispose();
        foreach (var weight in weights)
        {
            weight.Dispose();
        }
    }

    /// <summary>stream += gate * sum_j w_j kept_j for every item: one addcmul_ per kept output.</summary>
    [Benchmark]
    public void GatedMultiplyAdds()
    {
        using var _ = no_grad();
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = 0; j < KeptOutputs; j++)
            {
                stream.addcmul_(gate, items[i][j], weights[j]);
            }
        }
    }

    /// <summary>
    /// The same sum read in one pass: with every item's kept outputs held channel-major in one tensor,
    /// a batched [tokens, items * kept] x [items * kept, 1] product per (row, channel) whose
    /// coefficients are gate_i * w_j, then one add into the stream.
    /// </summary>
    [Benchmark]
    public void OneBatchedProduct()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var coefficients = stack(itemGates, dim: -1).unsqueeze(-1).mul(weightRow).reshape(Rows * Width, Items * KeptOutputs, 1);
        var sum = channelMajorState.bmm(coefficients).view(Rows, Width, ImageTokens);
        stream.add_(sum.permute(0, 2, 1));
    }
}
