using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// The cost of one sampler step of the bundled model at batch 8 (CFG: 16 rows) inside a cached
/// generation: after four full steps (run in the iteration setup), six consecutive full steps
/// against six consecutive forecast steps, reported per step. Timing a run of steps rather than a
/// single one keeps the figure what a generation pays, not the cost of a first step from cold caches.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 20, invocationCount: 1)]
[MedianColumn]
public class StepCostBenchmarks : CachedStepBenchmark
{
    private BundledModelFixture fixture = null!;

    /// <summary>
    /// Level and forecaster, e.g. "module:hicache". LESA is not among them: a LESA predictor refuses
    /// every schedule but the one it was trained for, and the six measured full steps are not one of
    /// them; its forecast step is timed by <c>evaluate</c> (the forecast ms/step column).
    /// </summary>
    [Params("module:hicache", "module:fora", "model:hicache", "model:fora")]
    public string Case { get; set; } = "module:hicache";

    protected override long Images => 8;

    protected override CfgLayout Cfg => CfgLayout.BatchedHalves;

    [GlobalSetup]
    public void Setup()
    {
        fixture = new BundledModelFixture(batch: 8);
        Latents = cat([fixture.Noise, fixture.Noise]);
        Text = TextConditioning.Concat(fixture.NullText.ExpandTo(8), fixture.Text);
        Times = new FlowMatchSchedule(50, TimestepShift.FluxDynamic, 64).Times;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        fixture.Dispose();
        Latents.Dispose();
        Text.Tokens.Dispose();
        Text.Pooled.Dispose();
    }

    protected override CacheConfig Config(ICacheSchedule schedule)
    {
        var parts = Case.Split(':');
        return BenchmarkMethods.Config(parts[1], parts[0], fixture, fullSteps: 10, schedule);
    }

    protected override IFlowModel Flow(CacheSession cache) => fixture.Flow(cache);
}
