using BenchmarkDotNet.Attributes;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// One transformer forward of a DiT-S-sized FLUX config (384 wide, 6 heads, 4 double + 8 single
/// blocks) on 256 image tokens and 8 text tokens, batch 2, float32, on the default device.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class FluxForwardBenchmarks
{
    private FluxTransformer transformer = null!;
    private FluxFlowModel flow = null!;
    private TextConditioning text = null!;
    private Tensor latents = null!;
    private Tensor time = null!;

    [Params(2)]
    public int Batch { get; set; }

    public static FluxTransformerConfig SmallConfig { get; } = new()
    {
        InChannels = 12,
        NumLayers = 4,
        NumSingleLayers = 8,
        AttentionHeadDim = 64,
        NumAttentionHeads = 6,
        JointAttentionDim = 128,
        PooledProjectionDim = 128,
        AxesDimsRope = [8, 28, 28],
    };

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        transformer = new FluxTransformer(SmallConfig);
        transformer.eval();
        flow = new FluxFlowModel(transformer, 16, 16);
        text = new TextConditioning(randn(Batch, 8, 128), randn(Batch, 128));
        latents = SeededNoise.Draw(Enumerable.Range(0, Batch).Select(i => (long)i).ToArray(), [256, 12], CPU);
        time = full(Batch, 0.5f);
    }

    [Benchmark]
    public void Forward()
    {
        using var _ = no_grad();
        using var velocity = flow.Velocity(latents, time, text);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        flow.Dispose();
        transformer.Dispose();
        latents.Dispose();
        time.Dispose();
        text.Tokens.Dispose();
        text.Pooled.Dispose();
    }
}
