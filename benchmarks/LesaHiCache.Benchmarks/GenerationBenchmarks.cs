using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// 50-step generation on the bundled model at batch 8 (CFG batched: 16 transformer rows), uncached
/// and with each forecaster at 10 and 8 full steps, module and model level (LESA, a model-level
/// forecaster, runs at model level under both).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class GenerationBenchmarks
{
    private BundledModelFixture fixture = null!;

    [Params("module", "model")]
    public string Level { get; set; } = "module";

    [GlobalSetup]
    public void Setup() => fixture = new BundledModelFixture(batch: 8);

    [GlobalCleanup]
    public void Cleanup() => fixture.Dispose();

    [Benchmark(Baseline = true)]
    public void Uncached() => Run(null);

    [Benchmark]
    [Arguments("fora", 10)]
    [Arguments("taylorseer1", 10)]
    [Arguments("taylorseer2", 10)]
    [Arguments("hicache", 10)]
    [Arguments("fora", 8)]
    [Arguments("taylorseer1", 8)]
    [Arguments("taylorseer2", 8)]
    [Arguments("hicache", 8)]
    [Arguments("lesa", 10)]
    [Arguments("lesa", 8)]
    public void Cached(string forecaster, int fullSteps)
    {
        using var session = new CacheSession(new CacheConfig
        {
            Level = CacheMethods.Level(forecaster, Level),
            Forecaster = CacheMethods.Forecaster(forecaster, fixture, fullSteps),
            Schedule = CacheMethods.Schedule(fullSteps),
        });
        Run(session);
    }

    private void Run(CacheSession? session)
    {
        using var flow = fixture.Flow(session);
        using var latents = FlowMatchEulerSampler.Sample(flow, fixture.Text, fixture.Noise, fixture.Options);
    }
}
