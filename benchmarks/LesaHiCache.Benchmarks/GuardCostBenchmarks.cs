using BenchmarkDotNet.Attributes;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>
/// What the session's safety checks cost on the bundled model at batch 8 with CFG (16 rows), beside
/// one uncached step: the NaN/infinity check of the items one full step computes (module level:
/// every block's branch outputs; model level: the stack's output), and the model fingerprint a LESA
/// forecaster compares at the start of every generation, for the bundled model and for a FLUX.1-dev
/// build cut to one double and one single block (full widths, bf16, 66 tensors: the fingerprint's
/// cost is per tensor, so FLUX.1-dev's 1160 tensors cost about 1160 / 66 times as much).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MedianColumn]
public class GuardCostBenchmarks
{
    private BundledModelFixture fixture = null!;
    private FluxFlowModel plainFlow = null!;
    private Tensor latents = null!;
    private Tensor time = null!;
    private TextConditioning both = null!;
    private List<Tensor> moduleItems = null!;
    private List<Tensor> modelItems = null!;
    private FluxTransformer fluxDevWidths = null!;

    [GlobalSetup]
    public void Setup()
    {
        fixture = new BundledModelFixture(batch: 8);
        latents = cat([fixture.Noise, fixture.Noise]);
        both = TextConditioning.Concat(fixture.NullText.ExpandTo(8), fixture.Text);
        var times = new FlowMatchSchedule(50, TimestepShift.FluxDynamic, 64).Times;
        time = full(16, times[4], ScalarType.Float32);
        plainFlow = fixture.Flow(null);
        moduleItems = ItemsOfAFullStep(CacheLevel.Module, times);
        modelItems = ItemsOfAFullStep(CacheLevel.Model, times);
        var dev = new FluxTransformerConfig { GuidanceEmbeds = true, NumLayers = 1, NumSingleLayers = 1 };
        fluxDevWidths = new FluxTransformer(dev, new LesaHiCache.Layers.ModuleBuild(CPU, ScalarType.BFloat16, Initialize: false));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        moduleItems.Concat(modelItems).ToList().ForEach(t => t.Dispose());
        plainFlow.Dispose();
        fluxDevWidths.Dispose();
        time.Dispose();
        latents.Dispose();
        both.Tokens.Dispose();
        both.Pooled.Dispose();
        fixture.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void UncachedStep()
    {
        using var _ = no_grad();
        using var velocity = plainFlow.Velocity(latents, time, both);
    }

    [Benchmark]
    public bool FiniteChecksOfAModuleLevelFullStep() => moduleItems.All(FiniteCheck.AllFinite);

    [Benchmark]
    public bool FiniteChecksOfAModelLevelFullStep() => modelItems.All(FiniteCheck.AllFinite);

    [Benchmark]
    public string ModelFingerprintOfTheBundledModel() => ModelFingerprint.Of(fixture.Model.Transformer);

    [Benchmark]
    public string ModelFingerprintOfFluxDevWidthsOneAndOneBlock() => ModelFingerprint.Of(fluxDevWidths);

    private List<Tensor> ItemsOfAFullStep(CacheLevel level, IReadOnlyList<double> times)
    {
        var keeper = new ItemKeeper();
        using var session = new CacheSession(new CacheConfig { Level = level, Forecaster = () => new Fora(), Schedule = new FixedIntervalSchedule(1, warmup: 0) }, keeper);
        using var flow = fixture.Flow(session);
        using var _ = no_grad();
        flow.BeginGeneration(times, 8, CfgLayout.BatchedHalves);
        flow.BeginStep(0);
        using (flow.Velocity(latents, times[0], both))
        {
        }

        flow.EndGeneration();
        return keeper.Items;
    }

    private sealed class ItemKeeper : ICacheObserver
    {
        public List<Tensor> Items { get; } = [];

        public void Computed(CacheItemKey item, Tensor features, StepPosition position) => Items.Add(features.detach().clone().DetachFromDisposeScope());
    }
}
