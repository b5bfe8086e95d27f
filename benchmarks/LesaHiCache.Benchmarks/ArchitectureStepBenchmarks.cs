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
public class ArchitectureStepBenchmarks
{
    private const int Warmup = 4;
    private const int Measured = 6;
    private IDisposable? model;
    private IFlowModel flow = null!;
    private CacheSession session = null!;
    private Tensor latents = null!;
    private TextConditioning text = null!;
    private IReadOnlyList<double> times = null!;

    [Params("flux", "qwen-image", "hunyuan-video", "wan")]
    public string Architecture { get; set; } = "flux";

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(Environment.ProcessorCount);
        manual_seed(0);
        times = new FlowMatchSchedule(50, TimestepShift.None, 256).Times;
        var generator = new TorchSharp.torch.Generator(1);
        switch (Architecture)
        {
            case "flux":
                model = new FluxTransformer(new FluxTransformerConfig { InChannels = 16, NumLayers = 2, NumSingleLayers = 4, AttentionHeadDim = 64, NumAttentionHeads = 6, JointAttentionDim = 128, PooledProjectionDim = 64, AxesDimsRope = [8, 28, 28] });
                latents = randn([2, 256, 16], generator: generator);
                text = new TextConditioning(randn([2, 16, 128], generator: generator), randn([2, 64], generator: generator));
                break;
            case "qwen-image":
                model = new QwenImageTransformer(new QwenImageTransformerConfig { InChannels = 16, OutChannels = 4, NumLayers = 6, AttentionHeadDim = 64, NumAttentionHeads = 6, JointAttentionDim = 128, AxesDimsRope = [8, 28, 28] });
                latents = randn([2, 256, 16], generator: generator);
                text = QwenImageFlowModel.Text(randn([2, 16, 128], generator: generator));
                break;
            case "hunyuan-video":
                model = new HunyuanVideoTransformer(new HunyuanVideoTransformerConfig { InChannels = 4, OutChannels = 4, NumLayers = 2, NumSingleLayers = 4, NumRefinerLayers = 1, AttentionHeadDim = 64, NumAttentionHeads = 6, TextEmbedDim = 128, PooledProjectionDim = 64, RopeAxesDim = [8, 28, 28] });
                latents = randn([2, 256, 16], generator: generator);
                text = new TextConditioning(randn([2, 16, 128], generator: generator), randn([2, 64], generator: generator));
                break;
            case "wan":
                var wan = new WanTransformerConfig { InChannels = 4, OutChannels = 4, NumLayers = 6, AttentionHeadDim = 64, NumAttentionHeads = 6, TextDim = 128, FfnDim = 1536 };
                model = new WanTransformer(wan);
                latents = randn([2, 256, 16], generator: generator);
                text = WanFlowModel.Text(randn([2, 16, 128], generator: generator));
                break;
            default:
                throw new ArgumentException($"Unknown architecture '{Architecture}'.");
        }

        ((nn.Module)model).eval();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        model?.Dispose();
        latents.Dispose();
        text.Tokens.Dispose();
        text.Pooled.Dispose();
    }

    [IterationSetup(Target = nameof(FullSteps))]
    public void BeforeFull() => Prepare(forecast: false);

    [IterationSetup(Target = nameof(ForecastSteps))]
    public void BeforeForecast() => Prepare(forecast: true);

    [IterationCleanup]
    public void AfterIteration()
    {
        flow.EndGeneration();
        ((IDisposable)flow).Dispose();
        session.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Measured)]
    public void FullSteps() => Steps(Warmup, Measured);

    [Benchmark(OperationsPerInvoke = Measured)]
    public void ForecastSteps() => Steps(Warmup, Measured);

    private void Steps(int first, int count)
    {
        using var _ = no_grad();
        for (var s = first; s < first + count; s++)
        {
            flow.BeginStep(s);
            using var velocity = flow.Velocity(latents, times[s], text);
        }
    }

    private void Prepare(bool forecast)
    {
        var full = forecast ? Enumerable.Range(0, Warmup) : Enumerable.Range(0, Warmup + Measured);
        session = new CacheSession(new CacheConfig { Level = CacheLevel.Module, Forecaster = () => new HiCache(2, 0.5), Schedule = new StepMaskSchedule(full) });
        flow = model switch
        {
            FluxTransformer f => new FluxFlowModel(f, 16, 16, cache: session),
            QwenImageTransformer q => new QwenImageFlowModel(q, 16, 16, session),
            HunyuanVideoTransformer h => new HunyuanVideoFlowModel(h, 4, 8, 8, cache: session),
            WanTransformer w => new WanFlowModel(w, 4, 8, 8, session),
            _ => throw new InvalidOperationException("No model."),
        };
        flow.BeginGeneration(times, 2, CfgLayout.None);
        Steps(0, Warmup);
    }
}
