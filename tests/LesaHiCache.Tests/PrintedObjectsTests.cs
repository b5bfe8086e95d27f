using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Tests;

/// <summary>Configurations and statistics print their values, not type names.</summary>
public class PrintedObjectsTests
{
    [Fact]
    public void Configs_PrintTheirValues()
    {
        Assert.Equal(
            "CacheConfig { Level = Module, Forecaster = () => IFeatureForecaster, Schedule = counter(6, warmup=3), ShadowSteps = null, OnNonFiniteFeatures = ComputeFully, Logger = null }",
            CacheConfig.Default.ToString());
        Assert.Equal(
            "FluxTransformerConfig { ClassName = FluxTransformer2DModel, PatchSize = 1, InChannels = 64, OutChannels = null, NumLayers = 19, NumSingleLayers = 38, AttentionHeadDim = 128, NumAttentionHeads = 24, JointAttentionDim = 4096, PooledProjectionDim = 768, GuidanceEmbeds = True, AxesDimsRope = [16, 56, 56], InnerDim = 3072, ResolvedOutChannels = 64 }",
            FluxTransformerConfig.Load(Path.Combine(TestConfigs.FixturesFolder, "flux1-dev.transformer.config.json")).ToString());
        Assert.Contains("GainWidths = [8, 8]", new LesaConfig { GainWidths = [8, 8] }.ToString(), StringComparison.Ordinal);
        Assert.Contains("ShadowSteps = [4, 9]", (CacheConfig.Default with { ShadowSteps = new SortedSet<int> { 4, 9 } }).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Statistics_AndSessions_PrintASummary()
    {
        var times = new FlowMatchSchedule(10, TimestepShift.None, 16).Times;
        using var session = new CacheSession(new CacheConfig
        {
            Level = CacheLevel.Model,
            Forecaster = () => new Fora(),
            Schedule = new StepMaskSchedule([0, 1, 5]),
            ShadowSteps = new HashSet<int> { 2, 3, 4 },
        });
        using var x = ones(2, 4, 8);
        session.BeginGeneration(times, 2, CfgLayout.None);
        for (var step = 0; step < 10; step++)
        {
            session.BeginStep(step);
            using var scale = full(1, 1 + step);
            using var stepInput = x * scale;
            using var output = CachingRunner.Run([new Identity()], stepInput, session.NextForward([2, 4, 8]));
        }

        Assert.StartsWith("CacheSession(model, fora, mask(0,1,5); step 9 of 10): 3 full steps", session.ToString(), StringComparison.Ordinal);
        session.EndGeneration();
        var text = session.Statistics.ToString();
        // FORA at steps 2-4 repeats step 1's output (2x) where the real one is (3..5)x: rel L1 1/3, 1/2, 3/5.
        Assert.StartsWith("3 full steps [0,1,5], 7 forecast (3.33x fewer evaluations); cache peak 0.00 MB in 1 items (0.00 MB per image); shadow rel L1 over 3: min 0.333, P50 0.5, P95 0.59, max 0.6", text, StringComparison.Ordinal);
        Assert.Contains("between generations", session.ToString(), StringComparison.Ordinal);
    }

    private sealed class Identity : ICacheableBlock<Tensor>
    {
        public Tensor Forward(Tensor state, IBranchOutputs branches) => state.alias();

        public void AddForecasts(Tensor hidden, IGatedForecasts forecasts)
        {
        }
    }
}
