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
public class StateDeviceBenchmarks : CachedStepBenchmark
{
    private FluxTransformer transformer = null!;

    [Params("features", "cpu")]
    public string StateDevice { get; set; } = "features";

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(Environment.ProcessorCount);
        manual_seed(0);
        Times = new FlowMatchSchedule(50, TimestepShift.None, 256).Times;
        var generator = new TorchSharp.torch.Generator(1);
        transformer = new FluxTransformer(ArchitectureStepBenchmarks.SmallFlux);
        transformer.eval();
        Latents = randn([2, 256, 16], generator: generator);
        Text = new TextConditioning(randn([2, 16, 128], generator: generator), randn([2, 64], generator: generator));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        transformer.Dispose();
        Latents.Dispose();
        Text.Tokens.Dispose();
        Text.Pooled.Dispose();
    }

    protected override CacheConfig Config(ICacheSchedule schedule)
    {
        var options = new ForecasterOptions { StateDevice = StateDevice == "cpu" ? CPU : null };
        return new CacheConfig { Level = CacheLevel.Module, Forecaster = () => new TaylorSeer(2, options), Schedule = schedule };
    }

    protected override IFlowModel Flow(CacheSession cache) => new FluxFlowModel(transformer, 16, 16, cache: cache);
}
