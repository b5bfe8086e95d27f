using BenchmarkDotNet.Attributes;
using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// What per-generation tables of the step conditioning could take off a forecast step of the bundled
/// model at batch 8 with CFG (16 rows): the output norm's modulation (silu and one linear on the
/// conditioning vector, which every step computes), the blocks' gates a module-level forecast step
/// computes (two rows of a block's modulation per dual-stream block, one per single-stream block),
/// and what a table replaces them with (one row of a [50, 16, n] table per step). The time embedding
/// itself is already looked up from a table (<c>FluxFlowModel</c>).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 30)]
[MedianColumn]
public class ConditioningCostBenchmarks
{
    private const int Rows = 16;

    private BundledModelFixture fixture = null!;
    private LinearLayer outputModulation = null!;
    private List<LinearLayer> dualStreamModulations = [];
    private List<LinearLayer> singleStreamModulations = [];
    private Tensor temb = null!;
    private Tensor table = null!;

    [GlobalSetup]
    public void Setup()
    {
        fixture = new BundledModelFixture(batch: 1);
        var layers = fixture.Model.Transformer.named_modules().ToDictionary(m => m.name, m => m.module);
        outputModulation = (LinearLayer)layers["norm_out.linear"];
        dualStreamModulations = [.. layers.Where(m => m.Key.StartsWith("transformer_blocks.", StringComparison.Ordinal) && m.Key.EndsWith(".norm1.linear", StringComparison.Ordinal)).Select(m => (LinearLayer)m.Value)];
        singleStreamModulations = [.. layers.Where(m => m.Key.StartsWith("single_transformer_blocks.", StringComparison.Ordinal) && m.Key.EndsWith(".norm.linear", StringComparison.Ordinal)).Select(m => (LinearLayer)m.Value)];
        var width = outputModulation.InFeatures;
        temb = randn([Rows, width], generator: new Generator(3));
        table = randn([50, Rows, 2 * width], generator: new Generator(4));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        temb.Dispose();
        table.Dispose();
        fixture.Dispose();
    }

    /// <summary>silu(temb), the output norm's linear and its split into scale and shift.</summary>
    [Benchmark]
    public void OutputModulation()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        outputModulation.forward(nn.functional.silu(temb)).chunk(2, dim: 1);
    }

    /// <summary>silu(temb) and every block's gates, as a module-level forecast step computes them.</summary>
    [Benchmark]
    public void ModuleLevelGates()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var activated = nn.functional.silu(temb);
        foreach (var linear in dualStreamModulations)
        {
            var dim = linear.OutFeatures / 6;
            linear.ForwardRows(activated, 2 * dim, dim);
            linear.ForwardRows(activated, 5 * dim, dim);
        }

        foreach (var linear in singleStreamModulations)
        {
            var dim = linear.OutFeatures / 3;
            linear.ForwardRows(activated, 2 * dim, dim);
        }
    }

    /// <summary>What a table gives instead: the step's row, split in two.</summary>
    [Benchmark]
    public void TableRow()
    {
        using var scope = NewDisposeScope();
        table[17].chunk(2, dim: 1);
    }
}
