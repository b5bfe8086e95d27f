using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Models.Flux;
using LesaHiCache.Models.HunyuanVideo;
using LesaHiCache.Models.QwenImage;
using LesaHiCache.Models.Wan;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// The cost of a full step against a module-level forecast step (HiCache order 2) for a small config
/// of each architecture: 384 wide (6 heads x 64), 256 image or video tokens, 16 text tokens, batch 2,
/// float32, no CFG; FLUX and HunyuanVideo 2 dual + 4 single blocks (HunyuanVideo with a 1-block text
/// refiner), Qwen-Image 6 dual-stream blocks, Wan 6 blocks. As in <see cref="StepCostBenchmarks"/>, four
/// full steps run in the iteration setup and the figure is per step over six consecutive steps.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
[MedianColumn]
public class ArchitectureStepBenchmarks : CachedStepBenchmark
{
    private IDisposable? model;

    /// <summary>The small FLUX config (also of <see cref="StateDeviceBenchmarks"/>).</summary>
    public static FluxTransformerConfig SmallFlux { get; } = new() { InChannels = 16, NumLayers = 2, NumSingleLayers = 4, AttentionHeadDim = 64, NumAttentionHeads = 6, JointAttentionDim = 128, PooledProjectionDim = 64, AxesDimsRope = [8, 28, 28] };

    [Params("flux", "qwen-image", "hunyuan-video", "wan")]
    public string Architecture { get; set; } = "flux";

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(Environment.ProcessorCount);
        manual_seed(0);
        Times = new FlowMatchSchedule(50, TimestepShift.None, 256).Times;
        var generator = new TorchSharp.torch.Generator(1);
        Latents = randn([2, 256, 16], generator: generator);
        using var tokens = randn([2, 16, 128], generator: generator);
        using var pooled = randn([2, 64], generator: generator);
        (model, Text) = Architecture switch
        {
            "flux" => ((IDisposable)new FluxTransformer(SmallFlux), new TextConditioning(tokens.clone(), pooled.clone())),
            "qwen-image" => (new QwenImageTransformer(new QwenImageTransformerConfig { InChannels = 16, OutChannels = 4, NumLayers = 6, AttentionHeadDim = 64, NumAttentionHeads = 6, JointAttentionDim = 128, AxesDimsRope = [8, 28, 28] }), QwenImageFlowModel.Text(tokens.clone())),
            "hunyuan-video" => (new HunyuanVideoTransformer(new HunyuanVideoTransformerConfig { InChannels = 4, OutChannels = 4, NumLayers = 2, NumSingleLayers = 4, NumRefinerLayers = 1, AttentionHeadDim = 64, NumAttentionHeads = 6, TextEmbedDim = 128, PooledProjectionDim = 64, RopeAxesDim = [8, 28, 28] }), new TextConditioning(tokens.clone(), pooled.clone())),
            "wan" => (new WanTransformer(new WanTransformerConfig { InChannels = 4, OutChannels = 4, NumLayers = 6, AttentionHeadDim = 64, NumAttentionHeads = 6, TextDim = 128, FfnDim = 1536 }), WanFlowModel.Text(tokens.clone())),
            _ => throw new ArgumentException($"Unknown architecture '{Architecture}'."),
        };
        ((nn.Module)model).eval();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        model?.Dispose();
        Latents.Dispose();
        Text.Tokens.Dispose();
        Text.Pooled.Dispose();
    }

    protected override CacheConfig Config(ICacheSchedule schedule) =>
        new() { Level = CacheLevel.Module, Forecaster = () => new HiCache(2, 0.5), Schedule = schedule };

    protected override IFlowModel Flow(CacheSession cache) => model switch
    {
        FluxTransformer f => new FluxFlowModel(f, 16, 16, cache: cache),
        QwenImageTransformer q => new QwenImageFlowModel(q, 16, 16, cache),
        HunyuanVideoTransformer h => new HunyuanVideoFlowModel(h, 4, 8, 8, cache: cache),
        WanTransformer w => new WanFlowModel(w, 4, 8, 8, cache),
        _ => throw new InvalidOperationException("No model."),
    };
}
