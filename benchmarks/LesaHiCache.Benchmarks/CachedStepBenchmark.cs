using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// Six consecutive full steps against six consecutive forecast steps inside a cached generation,
/// reported per step: four full steps run in the iteration setup, so the figure is what a generation
/// pays rather than the cost of a first step from cold caches. A subclass supplies the flow model,
/// its inputs and the cache configuration.
/// </summary>
public abstract class CachedStepBenchmark
{
    /// <summary>Full steps run before the measured ones.</summary>
    protected const int Warmup = 4;

    /// <summary>Steps measured per invocation.</summary>
    protected const int Measured = 6;

    private IFlowModel? flow;
    private CacheSession? session;

    /// <summary>The sampler's times.</summary>
    protected IReadOnlyList<double> Times { get; set; } = [];

    /// <summary>The latents of every step (one batched CFG call when the text holds both halves).</summary>
    protected Tensor Latents { get; set; } = null!;

    /// <summary>The text conditioning of every step.</summary>
    protected TextConditioning Text { get; set; } = null!;

    /// <summary>Images of the generation.</summary>
    protected virtual long Images => Latents.shape[0];

    /// <summary>How the steps evaluate CFG.</summary>
    protected virtual CfgLayout Cfg => CfgLayout.None;

    [IterationSetup(Target = nameof(FullSteps))]
    public void BeforeFull() => Prepare(new StepMaskSchedule(Enumerable.Range(0, Warmup + Measured)));

    [IterationSetup(Target = nameof(ForecastSteps))]
    public void BeforeForecast() => Prepare(new StepMaskSchedule(Enumerable.Range(0, Warmup)));

    [IterationCleanup]
    public void AfterIteration()
    {
        flow?.EndGeneration();
        (flow as IDisposable)?.Dispose();
        session?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Measured)]
    public void FullSteps() => Steps(Warmup, Measured);

    [Benchmark(OperationsPerInvoke = Measured)]
    public void ForecastSteps() => Steps(Warmup, Measured);

    /// <summary>The session's configuration for a run whose full steps are <paramref name="schedule"/>'s.</summary>
    protected abstract CacheConfig Config(ICacheSchedule schedule);

    /// <summary>The flow model over <paramref name="cache"/>.</summary>
    protected abstract IFlowModel Flow(CacheSession cache);

    private void Steps(int first, int count)
    {
        using var _ = no_grad();
        for (var s = first; s < first + count; s++)
        {
            flow!.BeginStep(s);
            using var velocity = flow.Velocity(Latents, Times[s], Text);
        }
    }

    private void Prepare(ICacheSchedule schedule)
    {
        session = new CacheSession(Config(schedule));
        flow = Flow(session);
        // Through the flow model, as the sampler drives it (conditioning tables included).
        flow.BeginGeneration(Times, Images, Cfg);
        Steps(0, Warmup);
    }
}
