using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Models.Flux;
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
public class StepCostBenchmarks
{
    private const int Warmup = 4;
    private const int Measured = 6;
    private BundledModelFixture fixture = null!;
    private CacheSession session = null!;
    private FluxFlowModel flow = null!;
    private Tensor latents = null!;
    private TextConditioning both = null!;
    private IReadOnlyList<double> times = null!;

    /// <summary>Level and forecaster, e.g. "module:hicache" (LESA is a model-level forecaster).</summary>
    [Params("module:hicache", "module:fora", "model:hicache", "model:fora", "model:lesa")]
    public string Case { get; set; } = "module:hicache";

    [GlobalSetup]
    public void Setup()
    {
        fixture = new BundledModelFixture(batch: 8);
        latents = cat([fixture.Noise, fixture.Noise]);
        both = TextConditioning.Concat(fixture.NullText.ExpandTo(8), fixture.Text);
        times = new FlowMatchSchedule(50, TimestepShift.FluxDynamic, 64).Times;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        fixture.Dispose();
        latents.Dispose();
        both.Tokens.Dispose();
        both.Pooled.Dispose();
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
            using var velocity = flow.Velocity(latents, times[s], both);
        }
    }

    private void Prepare(bool forecast)
    {
        var parts = Case.Split(':');
        session = new CacheSession(BenchmarkMethods.Config(
            parts[1],
            parts[0],
            fixture,
            fullSteps: 10,
            new StepMaskSchedule(forecast ? Enumerable.Range(0, Warmup) : Enumerable.Range(0, Warmup + Measured))));
        flow = fixture.Flow(session);
        // Through the flow model, as the sampler drives it (the conditioning table included).
        flow.BeginGeneration(times, 8, CfgLayout.BatchedHalves);
        Steps(0, Warmup);
    }
}
