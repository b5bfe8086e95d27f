using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// One sampler step of the bundled model at batch 8 (CFG: 16 rows): a full step against a forecast
/// step, after 4 full steps have filled the forecaster (set up outside the measurement). LESA runs at
/// model level under both levels.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 30, invocationCount: 1)]
public class StepCostBenchmarks
{
    private BundledModelFixture fixture = null!;
    private CacheSession session = null!;
    private FluxFlowModel flow = null!;
    private Tensor latents = null!;
    private Tensor time = null!;
    private TextConditioning both = null!;

    [Params("module", "model")]
    public string Level { get; set; } = "module";

    [Params("hicache", "fora", "lesa")]
    public string Forecaster { get; set; } = "hicache";

    [GlobalSetup]
    public void Setup()
    {
        fixture = new BundledModelFixture(batch: 8);
        latents = cat([fixture.Noise, fixture.Noise]);
        time = full(16, 0.7f);
        both = TextConditioning.Concat(fixture.NullText.ExpandTo(8), fixture.Text);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        fixture.Dispose();
        latents.Dispose();
        time.Dispose();
        both.Tokens.Dispose();
        both.Pooled.Dispose();
    }

    [IterationSetup(Target = nameof(FullStep))]
    public void BeforeFull() => Prepare(forecastStepFour: false);

    [IterationSetup(Target = nameof(ForecastStep))]
    public void BeforeForecast() => Prepare(forecastStepFour: true);

    [IterationCleanup]
    public void AfterIteration()
    {
        flow.Dispose();
        session.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void FullStep() => Step();

    [Benchmark]
    public void ForecastStep() => Step();

    private void Step()
    {
        using var _ = no_grad();
        session.BeginStep(4);
        using var velocity = flow.Velocity(latents, time, both);
    }

    private void Prepare(bool forecastStepFour)
    {
        session = new CacheSession(new CacheConfig
        {
            Level = CacheMethods.Level(Forecaster, Level),
            Forecaster = CacheMethods.Forecaster(Forecaster, fixture, fullSteps: 10),
            Schedule = new StepMaskSchedule(forecastStepFour ? [0, 1, 2, 3] : [0, 1, 2, 3, 4]),
        });
        flow = fixture.Flow(session);
        using var _ = no_grad();
        session.BeginGeneration(new FlowMatchSchedule(50, TimestepShift.FluxDynamic, 64).Times, 8);
        for (var s = 0; s < 4; s++)
        {
            session.BeginStep(s);
            using var velocity = flow.Velocity(latents, time, both);
        }
    }
}
