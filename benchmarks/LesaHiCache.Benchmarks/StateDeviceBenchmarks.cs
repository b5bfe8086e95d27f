using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// What <see cref="ForecasterOptions.StateDevice"/> costs per step: module-level TaylorSeer order 2 on the
/// small FLUX config of <see cref="ArchitectureStepBenchmarks"/>, with the state on the features' device
/// (the in-place path) or on an explicit device, here the CPU itself, which measures the copying path
/// alone (the transfer between two devices is not part of it: that needs a GPU).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
[MedianColumn]
public class StateDeviceBenchmarks
{
    private const int Warmup = 4;
    private const int Measured = 6;
    private FluxTransformer transformer = null!;
    private FluxFlowModel flow = null!;
    private CacheSession session = null!;
    private Tensor latents = null!;
    private TextConditioning text = null!;
    private IReadOnlyList<double> times = null!;

    [Params("features", "cpu")]
    public string StateDevice { get; set; } = "features";

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(Environment.ProcessorCount);
        manual_seed(0);
        times = new FlowMatchSchedule(50, TimestepShift.None, 256).Times;
        var generator = new TorchSharp.torch.Generator(1);
        transformer = new FluxTransformer(new FluxTransformerConfig { InChannels = 16, NumLayers = 2, NumSingleLayers = 4, AttentionHeadDim = 64, NumAttentionHeads = 6, JointAttentionDim = 128, PooledProjectionDim = 64, AxesDimsRope = [8, 28, 28] });
        transformer.eval();
        latents = randn([2, 256, 16], generator: generator);
        text = new TextConditioning(randn([2, 16, 128], generator: generator), randn([2, 64], generator: generator));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        transformer.Dispose();
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
        flow.Dispose();
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
        var options = new ForecasterOptions { StateDevice = StateDevice == "cpu" ? CPU : null };
        var full = forecast ? Enumerable.Range(0, Warmup) : Enumerable.Range(0, Warmup + Measured);
        session = new CacheSession(new CacheConfig { Level = CacheLevel.Module, Forecaster = () => new TaylorSeer(2, options), Schedule = new StepMaskSchedule(full) });
        flow = new FluxFlowModel(transformer, 16, 16, cache: session);
        flow.BeginGeneration(times, 2, CfgLayout.None);
        Steps(0, Warmup);
    }
}
