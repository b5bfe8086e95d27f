using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Sampling;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// 50-step generation on the bundled model at batch 8 (CFG batched: 16 transformer rows), uncached
/// and with each forecaster at module and model level, for 10 and 8 full steps. Each full-step count
/// is one group with its own uncached baseline, so the Ratio column is the wall-clock speedup.
/// LESA is a model-level forecaster.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MedianColumn]
public class GenerationBenchmarks
{
    private BundledModelFixture fixture = null!;

    [Params(10, 8)]
    public int FullSteps { get; set; } = 10;

    [GlobalSetup]
    public void Setup() => fixture = new BundledModelFixture(batch: 8);

    [GlobalCleanup]
    public void Cleanup() => fixture.Dispose();

    [Benchmark(Baseline = true)]
    public void Uncached() => Run(null);

    [Benchmark]
    public void ModuleFora() => Cached("fora", "module");

    [Benchmark]
    public void ModuleTaylorSeer1() => Cached("taylorseer:order=1", "module");

    [Benchmark]
    public void ModuleTaylorSeer2() => Cached("taylorseer:order=2", "module");

    [Benchmark]
    public void ModuleHiCache() => Cached("hicache", "module");

    [Benchmark]
    public void ModelFora() => Cached("fora", "model");

    [Benchmark]
    public void ModelTaylorSeer1() => Cached("taylorseer:order=1", "model");

    [Benchmark]
    public void ModelTaylorSeer2() => Cached("taylorseer:order=2", "model");

    [Benchmark]
    public void ModelHiCache() => Cached("hicache", "model");

    [Benchmark]
    public void ModelLesa() => Cached("lesa", "model");

    private void Cached(string forecaster, string level)
    {
        using var session = new CacheSession(BenchmarkMethods.Config(forecaster, level, fixture, FullSteps, BenchmarkMethods.Schedule(FullSteps)));
        Run(session);
    }

    private void Run(CacheSession? session)
    {
        using var flow = fixture.Flow(session);
        using var latents = FlowMatchEulerSampler.Sample(flow, fixture.Text, fixture.Noise, fixture.Options);
    }
}
