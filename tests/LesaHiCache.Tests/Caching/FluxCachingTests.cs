using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

public sealed class FluxCachingTests : IDisposable
{
    private const int Steps = 50;
    private readonly TinyFluxSetup setup = new();
    private readonly FluxTransformer transformer;
    private readonly TextConditioning text;
    private readonly TextConditioning nullText;

    public FluxCachingTests()
    {
        transformer = setup.Transformer;
        text = setup.Text;
        nullText = new TextConditioning(zeros(1, 3, 12), zeros(1, 6));
    }

    public void Dispose()
    {
        setup.Dispose();
        nullText.Tokens.Dispose();
        nullText.Pooled.Dispose();
    }

    private Tensor Generate(CacheSession? cache, int batch = 2, bool cfg = true, FluxTransformer? model = null)
    {
        using var flow = new FluxFlowModel(model ?? transformer, 4, 4, cache: cache);
        using var noise = SeededNoise.Draw(Enumerable.Range(0, batch).Select(i => (long)(100 + i)).ToList(), [16, 8], CPU);
        var options = cfg ? new SamplerOptions { Steps = Steps, GuidanceScale = 3, NullText = nullText } : new SamplerOptions { Steps = Steps };
        var conditioning = batch == 2 ? text : new TextConditioning(text.Tokens[..batch], text.Pooled[..batch]);
        return FlowMatchEulerSampler.Sample(flow, conditioning, noise, options);
    }

    private static CacheConfig Config(CacheLevel level, ICacheSchedule schedule, Func<IFeatureForecaster>? forecaster = null) =>
        new() { Level = level, Schedule = schedule, Forecaster = forecaster ?? (() => new HiCache(2, 0.5)) };

    [Theory]
    [InlineData(CacheLevel.Module)]
    [InlineData(CacheLevel.Model)]
    [InlineData(CacheLevel.Block)]
    public void IntervalOne_IsBitIdenticalToNoCaching(CacheLevel level)
    {
        using var reference = Generate(null);
        using var session = new CacheSession(Config(level, new FixedIntervalSchedule(1, warmup: 0)));
        using var cached = Generate(session);
        Assert.True(reference.eq(cached).all().item<bool>());
        Assert.Equal(Steps, session.Statistics.FullSteps.Count);
    }

    [Theory]
    [InlineData(CacheLevel.Module)]
    [InlineData(CacheLevel.Model)]
    [InlineData(CacheLevel.Block)]
    public void ForecastSteps_RunNoAttentionAndNoMlp(CacheLevel level)
    {
        using var counter = new LesaHiCache.Tests.Models.ProjectionCounter(transformer, "attn.to_q", "ff.net.2", "ff_context.net.2", "proj_mlp");
        using var session = new CacheSession(Config(level, new FixedIntervalSchedule(7, warmup: 3)));
        using var result = Generate(session);
        Assert.Equal([0, 1, 2, 3, 10, 17, 24, 31, 38, 45], session.Statistics.FullSteps);
        Assert.Equal(40, session.Statistics.ForecastSteps.Count);
        Assert.Equal(10, counter.Counts.Count); // 2 double blocks x (to_q, ff, ff_context) + 2 single blocks x (to_q, proj_mlp)
        Assert.All(counter.Counts, c => Assert.Equal(10, c.Value)); // one batched CFG call per full step, none on forecast steps
    }

    [Fact]
    public void ModuleLevel_CachesTwoImageItemsPerDoubleBlockAndOnePerSingleBlock()
    {
        using var session = new CacheSession(Config(CacheLevel.Module, new FixedIntervalSchedule(7, warmup: 3)));
        using var result = Generate(session);
        Assert.Equal(2 * 2 + 2 * 1, session.Statistics.Items);
        // HiCache order 2 keeps 3 float32 tensors per item. CFG batches [null; text]: 4 rows.
        // Per double block 2 image items [4, 16, 16]; per single block the fused output's 16 image tokens [4, 16, 16].
        const long Bytes = 4, Rows = 4, Width = 16;
        var perCoefficient = 2 * (2 * Rows * 16 * Width * Bytes) + 2 * (Rows * 16 * Width * Bytes);
        Assert.Equal(3 * perCoefficient, session.Statistics.PeakCacheBytes);
        Assert.Equal(session.Statistics.PeakCacheBytes / 2.0, session.Statistics.PeakCacheBytesPerItem);
    }

    [Theory]
    [InlineData(CacheLevel.Module)]
    [InlineData(CacheLevel.Model)]
    public void CachedGeneration_StaysCloseToTheReference_AndHiCacheBeatsReuse(CacheLevel level)
    {
        using var reference = Generate(null);
        using var hicache = new CacheSession(Config(level, new FixedIntervalSchedule(3, warmup: 3)));
        using var fora = new CacheSession(Config(level, new FixedIntervalSchedule(3, warmup: 3), () => new Fora()));
        using var a = Generate(hicache);
        using var b = Generate(fora);
        double Error(Tensor x) => (x - reference).abs().mean().item<float>() / reference.abs().mean().item<float>();
        Assert.True(Error(a) < 0.25, $"hicache rel L1 {Error(a):F3}");
        Assert.True(Error(a) < Error(b), $"hicache {Error(a):F4} vs fora {Error(b):F4}");
    }

    [Fact]
    public void SeparateCfgBranches_KeepSeparateState()
    {
        // Null conditioning with a different token count forces two transformer calls per step.
        using var nullTokens = zeros(1, 2, 12);
        using var nullPooled = zeros(1, 6);
        var shortNull = new TextConditioning(nullTokens, nullPooled);
        using var flow = new FluxFlowModel(transformer, 4, 4, cache: new CacheSession(Config(CacheLevel.Model, new FixedIntervalSchedule(7, warmup: 3))));
        using var noise = SeededNoise.Draw([1, 2], [16, 8], CPU);
        using var result = FlowMatchEulerSampler.Sample(flow, text, noise, new SamplerOptions { Steps = Steps, GuidanceScale = 3, NullText = shortNull });
        Assert.Equal(2, flow.Cache!.Statistics.Items);
        flow.Cache.Dispose();
    }

    [Fact]
    public void LiveTensorCount_IsFlatOver20CachedGenerations()
    {
        using var session = new CacheSession(Config(CacheLevel.Module, new FixedIntervalSchedule(7, warmup: 3)));
        using (var warm = Generate(session))
        {
        }

        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 20; i++)
        {
            using var result = Generate(session);
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void TwoThreads_WithTheirOwnSessions_DoNotInterfere()
    {
        using var expected = Generate(new CacheSession(Config(CacheLevel.Module, new FixedIntervalSchedule(5, warmup: 3))));
        var results = new Tensor[2];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            using var _ = no_grad();
            using var session = new CacheSession(Config(CacheLevel.Module, new FixedIntervalSchedule(5, warmup: 3)));
            results[i] = Generate(session);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(results, r => Assert.True(r.eq(expected).all().item<bool>()));
        Array.ForEach(results, r => r.Dispose());
    }

    [Fact]
    public void BlockLevel_CachesEachBlocksImageResidual_AndStaysCloseToTheReference()
    {
        // The runner gives every host block level: one residual per block of the stack.
        using var reference = Generate(null);
        using var session = new CacheSession(Config(CacheLevel.Block, new FixedIntervalSchedule(3, warmup: 3)));
        using var cached = Generate(session);
        Assert.Equal(2 + 2, session.Statistics.Items);
        using var error = (cached - reference).abs().mean() / reference.abs().mean();
        Assert.True(error.item<float>() < 0.25, $"rel L1 {error.item<float>():F3}");
    }

    [Theory]
    [InlineData("taylorseer-5x", "mask:0;1;2;8;14;20;26;32;38;44")]
    [InlineData("taylorseer-6.25x", "mask:0;1;2;10;18;26;34;42")]
    [InlineData("lesa-5x", "mask:0;1;2;3;9;16;23;30;37;44")]
    [InlineData("lesa-6.25x", "mask:0;1;2;3;12;22;32;42")]
    public void APreset_GivesTheSameGeneration_AsItsMask(string preset, string mask)
    {
        foreach (var level in new[] { CacheLevel.Module, CacheLevel.Model })
        {
            foreach (var forecaster in new Func<IFeatureForecaster>[] { () => new TaylorSeer(2), () => new HiCache(2, 0.5) })
            {
                using var presetSession = new CacheSession(Config(level, ScheduleSpec.Parse(preset).Schedule, forecaster));
                using var maskSession = new CacheSession(Config(level, ScheduleSpec.Parse(mask).Schedule, forecaster));
                using var fromPreset = Generate(presetSession);
                using var fromMask = Generate(maskSession);
                Assert.True(fromPreset.eq(fromMask).all().item<bool>(), $"{preset} at {level} level");
                Assert.Equal(presetSession.Statistics.FullSteps, maskSession.Statistics.FullSteps);
            }
        }
    }

    /// <summary>Records what the session tells a forecaster at the start of a generation.</summary>
    private sealed class GenerationSpy : IFeatureForecaster
    {
        private readonly Fora inner = new();

        public GenerationInfo? Generation { get; private set; }

        public string Name => "spy";

        public long StateBytes => inner.StateBytes;

        public int ItemCount => inner.ItemCount;

        public void BeginGeneration(GenerationInfo generation) => Generation = generation;

        public void Observe(CacheItemKey item, Tensor features, StepPosition position) => inner.Observe(item, features, position);

        public Tensor Forecast(CacheItemKey item, StepPosition position) => inner.Forecast(item, position);

        public void Reset() => inner.Reset();

        public void Dispose() => inner.Dispose();
    }

    [Theory]
    [InlineData(true, 3, CfgLayout.BatchedHalves)]
    [InlineData(true, 5, CfgLayout.SeparateCalls)]
    [InlineData(false, 3, CfgLayout.None)]
    public void TheForecaster_LearnsTheWarmupAndTheSamplersCfgLayout(bool cfg, int nullTokens, CfgLayout expected)
    {
        var spy = new GenerationSpy();
        using var session = new CacheSession(Config(CacheLevel.Model, SchedulePresets.TaylorSeer5x, () => spy));
        using var flow = new FluxFlowModel(transformer, 4, 4, cache: session);
        using var noise = SeededNoise.Draw([100, 101], [16, 8], CPU);
        using var nullTokensTensor = zeros(1, nullTokens, 12);
        using var nullPooled = zeros(1, 6);
        var options = cfg ? new SamplerOptions { Steps = 10, GuidanceScale = 3, NullText = new TextConditioning(nullTokensTensor, nullPooled) } : new SamplerOptions { Steps = 10 };
        using var result = FlowMatchEulerSampler.Sample(flow, text, noise, options);
        Assert.Equal(expected, spy.Generation!.Cfg);
        Assert.Equal(3, spy.Generation.WarmupSteps);
        Assert.Equal(10, spy.Generation.Steps);
    }

    [Fact]
    public void ChangingTheBatchWithinAGeneration_IsAClearError()
    {
        using var session = new CacheSession(Config(CacheLevel.Module, new FixedIntervalSchedule(7, warmup: 3)));
        session.BeginGeneration(new FlowMatchSchedule(10, TimestepShift.None, 16).Times, 2, CfgLayout.None);
        session.BeginStep(0);
        session.NextForward([2, 16, 8]);
        session.BeginStep(1);
        var error = Assert.Throws<InvalidOperationException>(() => session.NextForward([3, 16, 8]));
        Assert.Contains("BeginGeneration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANewGeneration_WithOtherShapesAndSteps_StartsClean()
    {
        using var session = new CacheSession(Config(CacheLevel.Module, new FixedIntervalSchedule(7, warmup: 3)));
        using (var first = Generate(session))
        {
        }

        using var flow = new FluxFlowModel(transformer, 2, 2, cache: session);
        using var noise = SeededNoise.Draw([5], [4, 8], CPU);
        using var small = FlowMatchEulerSampler.Sample(flow, new TextConditioning(text.Tokens[..1], text.Pooled[..1]), noise, new SamplerOptions { Steps = 20 });
        Assert.Equal(20, session.Statistics.FullSteps.Count + session.Statistics.ForecastSteps.Count);
        Assert.Equal(1, session.Statistics.BatchItems);
    }

    [Fact]
    public void ShadowMode_RecordsTheForecastErrorOnChosenSteps()
    {
        var config = Config(CacheLevel.Model, new FixedIntervalSchedule(7, warmup: 3)) with { ShadowSteps = new HashSet<int> { 5, 12 } };
        using var session = new CacheSession(config);
        using var result = Generate(session);
        Assert.Equal([5, 12], session.Statistics.ShadowErrors.Select(e => e.Step));
        Assert.All(session.Statistics.ShadowErrors, e => Assert.InRange(e.RelativeL1, 1e-7, 1.0));
        Assert.All(session.Statistics.ShadowErrors, e => Assert.Equal(CacheItemKey.Model(0), e.Item));
    }

    [Fact]
    public void ShadowMode_AtModuleLevel_RecordsEveryItem()
    {
        var config = Config(CacheLevel.Module, new FixedIntervalSchedule(7, warmup: 3)) with { ShadowSteps = new HashSet<int> { 6 } };
        using var session = new CacheSession(config);
        using var reference = Generate(new CacheSession(Config(CacheLevel.Module, new FixedIntervalSchedule(7, warmup: 3))));
        using var result = Generate(session);
        Assert.Equal(6, session.Statistics.ShadowErrors.Count); // 2 double blocks x 2 image items + 2 single blocks
        Assert.All(session.Statistics.ShadowErrors, e => Assert.Equal(6, e.Step));
        Assert.All(session.Statistics.ShadowErrors, e => Assert.InRange(e.RelativeL1, 1e-6, 1.0)); // a real, finite forecast error
        Assert.True(result.eq(reference).all().item<bool>()); // shadow computations do not change the generation
    }

    [Fact]
    public void Adaptive_RunsTheFirstBlockEveryStep_AndSkipsSomeSteps()
    {
        using var session = new CacheSession(Config(CacheLevel.Model, new AdaptiveSchedule(0.3, maxConsecutiveForecasts: 4)));
        using var reference = Generate(null);
        using var result = Generate(session);
        Assert.InRange(session.Statistics.ForecastSteps.Count, 1, 40);
        Assert.Equal([0, 1, 2], session.Statistics.FullSteps.Take(3));
        using var error = (result - reference).abs().mean() / reference.abs().mean();
        Assert.True(error.item<float>() < 0.25);
    }

    [Fact]
    public void FirstBlockCache_ThresholdZeroIsTheUncachedModel_InfinityForecastsAllButStepZero()
    {
        using var reference = Generate(null);
        using var zero = new CacheSession(Config(CacheLevel.Model, new FirstBlockCacheSchedule(0)));
        using var computed = Generate(zero);
        Assert.Equal(Steps, zero.Statistics.FullSteps.Count);
        Assert.True(computed.eq(reference).all().item<bool>()); // block 0, then the rest: the same computation
        Assert.Equal(Steps - 1, zero.Statistics.IndicatorValues.Count);
        Assert.All(zero.Statistics.IndicatorValues, v => Assert.True(v.Value > 0));

        using var infinite = new CacheSession(Config(CacheLevel.Model, new FirstBlockCacheSchedule(double.PositiveInfinity)));
        using var forecast = Generate(infinite);
        Assert.Equal([0], infinite.Statistics.FullSteps);
        Assert.Contains("indicator min", infinite.Statistics.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DbCache_RunsTheFirstFnBlocksEveryStep_AndTheRestOnlyOnFullSteps()
    {
        using var counter = new LesaHiCache.Tests.Models.ProjectionCounter(transformer, "attn.to_q");
        using var session = new CacheSession(Config(CacheLevel.Module, new DbCacheSchedule(leadingBlocks: 3, threshold: 0.3, warmup: 4), () => new TaylorSeer(1)));
        using var result = Generate(session);
        var full = session.Statistics.FullSteps.Count;
        Assert.InRange(full, 5, Steps - 1);
        Assert.Equal([0, 1, 2, 3], session.Statistics.FullSteps.Take(4));
        // 2 double + 2 single blocks: blocks 0-2 run on every step, block 3 on full steps only.
        Assert.Equal(Steps, counter.Counts["transformer_blocks.0.attn.to_q"]);
        Assert.Equal(Steps, counter.Counts["transformer_blocks.1.attn.to_q"]);
        Assert.Equal(Steps, counter.Counts["single_transformer_blocks.0.attn.to_q"]);
        Assert.Equal(full, counter.Counts["single_transformer_blocks.1.attn.to_q"]);
        Assert.Equal(Steps - 4, session.Statistics.IndicatorValues.Count);
    }

    [Fact]
    public void DbCache_ThatComputesEveryBlockUpFront_IsAClearError()
    {
        using var session = new CacheSession(Config(CacheLevel.Model, new DbCacheSchedule(leadingBlocks: 4, warmup: 0)));
        var error = Assert.Throws<InvalidOperationException>(() => Generate(session));
        Assert.Contains("first 4 block(s) on every step, but this model has 4", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 1)] // forecast: double block 1; trailing: both single blocks
    [InlineData(1, 1)] // forecast: double block 1 and single block 0; trailing: single block 1
    public void DbCache_WithTrailingBlocks_RunsTheFirstFnAndTheLastBnBlocksEveryStep(int trailing, int leading)
    {
        using var counter = new LesaHiCache.Tests.Models.ProjectionCounter(transformer, "attn.to_q");
        using var session = new CacheSession(Config(CacheLevel.Block, new DbCacheSchedule(leading, trailing, threshold: 0.3, warmup: 4), () => new TaylorSeer(1)));
        using var result = Generate(session);
        var full = session.Statistics.FullSteps.Count;
        Assert.InRange(full, 5, Steps - 1);
        string[] blocks = ["transformer_blocks.0", "transformer_blocks.1", "single_transformer_blocks.0", "single_transformer_blocks.1"];
        for (var i = 0; i < blocks.Length; i++)
        {
            Assert.Equal(i < leading || i >= blocks.Length - trailing ? Steps : full, counter.Counts[$"{blocks[i]}.attn.to_q"]);
        }

        // Each forecast block caches its image and its text residual.
        Assert.Equal(2 * (blocks.Length - leading - trailing), session.Statistics.Items);
        Assert.True(result.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void DbCache_WithTrailingBlocks_ForecastsBothStreams_SoAStepThatRepeatsTheLastFullOneIsReproduced(int trailing)
    {
        // FORA on a call whose input equals the last full call's: every forecast residual is exact, so the
        // trailing blocks see exactly the streams of the full call only if the text stream is forecast too.
        using var counter = new LesaHiCache.Tests.Models.ProjectionCounter(transformer, "attn.to_q");
        using var session = new CacheSession(Config(CacheLevel.Block, new DbCacheSchedule(1, trailing, threshold: double.PositiveInfinity, warmup: 1), () => new Fora()));
        using var flow = new FluxFlowModel(transformer, 4, 4, cache: session);
        using var latents = randn([2, 16, 8], generator: new TorchSharp.torch.Generator(5));
        flow.BeginGeneration(new FlowMatchSchedule(Steps, TimestepShift.None, 16).Times, 2, CfgLayout.None);
        flow.BeginStep(0);
        using var computed = flow.Velocity(latents, 0.6, text);
        flow.BeginStep(1);
        using var forecast = flow.Velocity(latents, 0.6, text);
        flow.EndGeneration();
        Assert.Equal([0], session.Statistics.FullSteps);
        Assert.Equal([1], session.Statistics.ForecastSteps);
        using var error = (forecast - computed).abs().max();
        Assert.True(error.item<float>() < 1e-5f, $"max error {error.item<float>()}");
        Assert.Equal(1, counter.Counts["transformer_blocks.1.attn.to_q"]);
        Assert.Equal(2, counter.Counts["single_transformer_blocks.1.attn.to_q"]);
    }

    [Fact]
    public void DbCache_WithTrailingBlocks_AtModuleOrModelLevel_IsAClearError_AndSoIsLeavingNoBlockToCache()
    {
        foreach (var level in new[] { CacheLevel.Module, CacheLevel.Model })
        {
            var error = Assert.Throws<ArgumentException>(() => new CacheSession(Config(level, new DbCacheSchedule(1, 1))));
            Assert.Contains("use block level", error.Message, StringComparison.Ordinal);
        }

        using var session = new CacheSession(Config(CacheLevel.Block, new DbCacheSchedule(2, 2, warmup: 0)));
        var tooMany = Assert.Throws<InvalidOperationException>(() => Generate(session));
        Assert.Contains("the first 2 and the last 2 block(s) on every step, but this model has 4", tooMany.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TeaCache_ComparesEveryStepWithThePreviousOne_AndForcesTheFirstAndLastStep()
    {
        using var counter = new LesaHiCache.Tests.Models.ProjectionCounter(transformer, "attn.to_q");
        using var session = new CacheSession(Config(CacheLevel.Model, new TeaCacheSchedule(double.PositiveInfinity, new RescalePolynomial([1, 0]))));
        using var result = Generate(session);
        Assert.Equal([0, Steps - 1], session.Statistics.FullSteps);
        Assert.All(counter.Counts.Values, c => Assert.Equal(2, c)); // the signal runs no block
        // With the identity rescale and no reset, the compared value is the running sum of positive changes.
        var values = session.Statistics.IndicatorValues;
        Assert.Equal(Enumerable.Range(1, Steps - 2), values.Select(v => v.Step));
        Assert.All(values.Zip(values.Skip(1)), p => Assert.True(p.Second.Value > p.First.Value));

        using var zero = new CacheSession(Config(CacheLevel.Module, new TeaCacheSchedule(0, new RescalePolynomial([1, 0]))));
        using var reference = Generate(null);
        using var computed = Generate(zero);
        Assert.Equal(Steps, zero.Statistics.FullSteps.Count);
        Assert.True(computed.eq(reference).all().item<bool>());
    }

    [Fact]
    public void ModuleForecastStep_DoesNotReadTheTextTokens()
    {
        // Steps 0-3 are full; step 4 is a forecast step, on which no block attends, so the text tokens
        // cannot reach the image tokens: NaN text tokens must give the same velocity.
        var schedule = new FixedIntervalSchedule(7, warmup: 3);
        using var clean = new CacheSession(Config(CacheLevel.Module, schedule));
        using var poisoned = new CacheSession(Config(CacheLevel.Module, schedule));
        using var cleanFlow = new FluxFlowModel(transformer, 4, 4, cache: clean);
        using var poisonedFlow = new FluxFlowModel(transformer, 4, 4, cache: poisoned);
        using var latents = SeededNoise.Draw([100, 101], [16, 8], CPU);
        using var nanTokens = full_like(text.Tokens, double.NaN);
        var nanText = new TextConditioning(nanTokens, text.Pooled);
        var times = new FlowMatchSchedule(Steps, TimestepShift.FluxDynamic, 16).Times;
        using var _ = no_grad();
        clean.BeginGeneration(times, 2, CfgLayout.None);
        poisoned.BeginGeneration(times, 2, CfgLayout.None);
        for (var step = 0; step <= 4; step++)
        {
            using var time = full(2, times[step], ScalarType.Float32);
            clean.BeginStep(step);
            poisoned.BeginStep(step);
            using var expected = cleanFlow.Velocity(latents, time, text);
            using var actual = poisonedFlow.Velocity(latents, time, step < 4 ? text : nanText);
            if (step == 4)
            {
                Assert.True(expected.eq(actual).all().item<bool>());
            }
        }

        Assert.Equal([0, 1, 2, 3], clean.Statistics.FullSteps);
    }

    [Theory]
    [InlineData(CacheLevel.Module, 0)]
    [InlineData(CacheLevel.Module, 2)]
    [InlineData(CacheLevel.Model, 1)]
    [InlineData(CacheLevel.Block, 2)]
    public void TheMemoryPlan_IsThePeakTheSessionMeasures(CacheLevel level, int order)
    {
        // Batch 2 with batched CFG: one call of 4 rows per step, 16 image tokens, width 16.
        using var session = new CacheSession(Config(level, new FixedIntervalSchedule(7, warmup: 3), () => new TaylorSeer(order)));
        using var result = Generate(session);
        var plan = transformer.CacheMemory(level, rows: 4, tokens: 16);
        using var forecaster = new TaylorSeer(order);
        Assert.Equal(session.Statistics.Items, plan.Items);
        Assert.Equal(session.Statistics.PeakCacheBytes, plan.PeakBytes(forecaster, ScalarType.Float32));
        Assert.Equal((order + 1) * 4 * 16 * 16 * 4L * plan.Items, plan.PeakBytes(forecaster, ScalarType.Float32)); // (order + 1) float32 copies of each item
    }

    [Theory]
    [InlineData(CacheLevel.Block, 1, 0)] // blocks 1-3 cached
    [InlineData(CacheLevel.Block, 1, 1)] // blocks 1-2 cached, image and text residuals
    [InlineData(CacheLevel.Block, 2, 1)] // block 2 cached, image and text residuals
    [InlineData(CacheLevel.Module, 3, 0)] // the last single block's one slot
    [InlineData(CacheLevel.Model, 2, 0)]
    public void TheMemoryPlanUnderDbCache_IsThePeakTheSessionMeasures(CacheLevel level, int leading, int trailing)
    {
        // Batch 2 with batched CFG: 4 rows of 16 image and 3 text tokens, width 16; TaylorSeer(1) keeps two copies per item.
        var schedule = new DbCacheSchedule(leading, trailing, threshold: 0.3, warmup: 4);
        using var session = new CacheSession(Config(level, schedule, () => new TaylorSeer(1)));
        using var result = Generate(session);
        var plan = transformer.CacheMemory(level, rows: 4, tokens: 16, schedule, textTokens: 3);
        using var forecaster = new TaylorSeer(1);
        Assert.Equal(session.Statistics.Items, plan.Items + plan.ContextItems);
        Assert.Equal(session.Statistics.PeakCacheBytes, plan.PeakBytes(forecaster, ScalarType.Float32));
        var cachedBlocks = 4 - leading - trailing;
        long expected = level switch
        {
            CacheLevel.Block => 2 * 4 * 4L * cachedBlocks * (16 * 16 + (trailing > 0 ? 3 * 16 : 0)),
            CacheLevel.Module => 2 * 4 * 4L * 16 * 16, // single block 1 caches one slot
            _ => 2 * 4 * 4L * 16 * 16,
        };
        Assert.Equal(expected, plan.PeakBytes(forecaster, ScalarType.Float32));
    }

    [Fact]
    public void TheMemoryPlanUnderDbCache_RefusesTrailingBlocksWithoutTextTokens_OrAtModuleLevel()
    {
        var schedule = new DbCacheSchedule(1, 1, threshold: 0.3);
        var noText = Assert.Throws<ArgumentException>(() => transformer.CacheMemory(CacheLevel.Block, rows: 4, tokens: 16, schedule, textTokens: 0));
        Assert.Contains("give the text tokens per row", noText.Message, StringComparison.Ordinal);
        var module = Assert.Throws<ArgumentException>(() => transformer.CacheMemory(CacheLevel.Module, rows: 4, tokens: 16, schedule, textTokens: 3));
        Assert.Contains("at module level", module.Message, StringComparison.Ordinal);
        Assert.Contains("use block level", module.Message, StringComparison.Ordinal);
        var none = Assert.Throws<ArgumentException>(() => transformer.CacheMemory(CacheLevel.Block, rows: 4, tokens: 16, new DbCacheSchedule(2, 2, threshold: 0.3), textTokens: 3));
        Assert.Contains("the first 2 and the last 2 block(s) on every step, but this model has 4", none.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CacheLevel.Module)]
    [InlineData(CacheLevel.Model)]
    public void StateOnAnotherDevice_CpuToCpu_ForecastsTheSame(CacheLevel level)
    {
        // The copying path (state copied to its device, forecasts back) against the in-place one.
        var schedule = new FixedIntervalSchedule(7, warmup: 3);
        using var local = new CacheSession(Config(level, schedule, () => new TaylorSeer(2)));
        using var offloaded = new CacheSession(Config(level, schedule, () => new TaylorSeer(2, new ForecasterOptions { StateDevice = CPU })));
        using var expected = Generate(local);
        using var actual = Generate(offloaded);
        using var error = (actual - expected).abs().max();
        Assert.True(error.item<float>() < 1e-5f);
        Assert.Equal(local.Statistics.PeakCacheBytes, offloaded.Statistics.PeakCacheBytes);
        Assert.Equal(local.Statistics.ForecastSteps, offloaded.Statistics.ForecastSteps);
    }

    [Fact]
    public void AddGatedForecast_OnAFullStep_IsRefused()
    {
        using var session = new CacheSession(Config(CacheLevel.Module, new FixedIntervalSchedule(7, warmup: 3)));
        session.BeginGeneration(new FlowMatchSchedule(Steps, TimestepShift.None, 16).Times, 2, CfgLayout.None);
        session.BeginStep(0);
        var forward = session.NextForward([2, 16, 8]);
        using var target = zeros(2, 16, 8);
        using var gate = ones(2, 1, 8);
        Assert.Throws<InvalidOperationException>(() => forward.AddGatedForecast(new CacheItemKey(0, 0, FluxTransformerBlock.ImageAttentionSlot), target, gate));
    }

    /// <summary>
    /// A stateful forecaster: FORA scaled by 1 + 0.01 n, n the forecasts of the item recorded so far.
    /// Its forecast depends on its state, which changes only in ObserveForecast.
    /// </summary>
    private sealed class CountingForecaster : IFeatureForecaster
    {
        private readonly Fora inner = new();
        private readonly Dictionary<CacheItemKey, int> recorded = [];

        /// <summary>Forecasts recorded since the forecaster was made (over every generation).</summary>
        public int ForecastsRecorded { get; private set; }

        public string Name => "counting";

        public long StateBytes => inner.StateBytes;

        public int ItemCount => inner.ItemCount;

        public bool ObservesForecasts => true;

        public void Observe(CacheItemKey item, Tensor features, StepPosition position) => inner.Observe(item, features, position);

        public Tensor Forecast(CacheItemKey item, StepPosition position)
        {
            using var last = inner.Forecast(item, position);
            return last * (1 + (0.01 * recorded.GetValueOrDefault(item)));
        }

        public void ObserveForecast(CacheItemKey item, Tensor forecast, StepPosition position)
        {
            recorded[item] = recorded.GetValueOrDefault(item) + 1;
            ForecastsRecorded++;
        }

        public void Reset()
        {
            inner.Reset();
            recorded.Clear();
        }

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void ShadowMode_AtModuleLevel_WithAStatefulForecaster_IsBitIdenticalToNoShadowing()
    {
        var plainForecaster = new CountingForecaster();
        var shadowedForecaster = new CountingForecaster();
        var schedule = new FixedIntervalSchedule(7, warmup: 3);
        using var plain = new CacheSession(Config(CacheLevel.Module, schedule, () => plainForecaster));
        using var shadowed = new CacheSession(Config(CacheLevel.Module, schedule, () => shadowedForecaster) with { ShadowSteps = new HashSet<int> { 4, 5, 6, 11, 12 } });
        using var expected = Generate(plain);
        var recordedWithoutShadow = plainForecaster.ForecastsRecorded;
        using var actual = Generate(shadowed);
        Assert.True(actual.eq(expected).all().item<bool>());
        Assert.Equal(6 * 40, recordedWithoutShadow); // 6 items, each recorded once on each of the 40 forecast steps
        Assert.Equal(recordedWithoutShadow, shadowedForecaster.ForecastsRecorded);
        Assert.Equal(5 * 6, shadowed.Statistics.ShadowErrors.Count);
        Assert.All(shadowed.Statistics.ShadowErrors, e => Assert.InRange(e.RelativeL1, 1e-6, 1.0));
    }

    /// <summary>A random per-half LESA predictor for this fixture's sampler times, <paramref name="schedule"/> and <paramref name="model"/>.</summary>
    private LesaHiCache.Lesa.LesaPredictor RandomLesaPredictor(FixedIntervalSchedule schedule, FluxTransformer model)
    {
        var spy = new GenerationSpy();
        using (var probe = new CacheSession(Config(CacheLevel.Model, new FixedIntervalSchedule(1, warmup: 0), () => spy)))
        using (Generate(probe))
        {
        }

        var times = spy.Generation!.Times.ToArray();
        manual_seed(11);
        return new LesaHiCache.Lesa.LesaPredictor(
            new LesaHiCache.Lesa.LesaPredictorInfo
            {
                ModelFingerprint = LesaHiCache.Lesa.ModelFingerprint.Of(model),
                Steps = Steps,
                Times = times,
                Schedule = schedule.Name,
                FullSteps = LesaHiCache.Lesa.LesaPredictor.FullStepsOf(schedule, times),
                Config = new LesaHiCache.Lesa.LesaConfig { GainWidths = [8, 8] },
                CfgExperts = LesaHiCache.Lesa.LesaCfgExperts.PerHalf,
            },
            ModuleBuild.Cpu);
    }

    [Fact]
    public void ShadowMode_AtModelLevel_WithLesa_IsBitIdenticalToNoShadowing()
    {
        var schedule = new FixedIntervalSchedule(7, warmup: 3);
        using var predictor = RandomLesaPredictor(schedule, transformer);
        using var plain = new CacheSession(Config(CacheLevel.Model, schedule, () => new LesaHiCache.Lesa.LesaForecaster(predictor)));
        using var shadowed = new CacheSession(Config(CacheLevel.Model, schedule, () => new LesaHiCache.Lesa.LesaForecaster(predictor)) with { ShadowSteps = new HashSet<int> { 4, 5, 6, 20 } });
        using var expected = Generate(plain);
        using var actual = Generate(shadowed);
        Assert.True(actual.eq(expected).all().item<bool>());
        Assert.Equal(4, shadowed.Statistics.ShadowErrors.Count);
    }

    [Fact]
    public void ALesaPredictor_OnReadmesPath_RefusesAnotherModel_AndWeightsChangedInPlace()
    {
        // README's path: new CacheSession(predictor.CacheConfig()), then generations. Before, only an
        // explicit EnsureCompatible compared the models; now every generation does.
        using var predictor = RandomLesaPredictor(new FixedIntervalSchedule(7, warmup: 3), transformer);
        using var session = new CacheSession(predictor.CacheConfig());
        using (Generate(session))
        {
            Assert.Equal(40, session.Statistics.ForecastSteps.Count);
        }

        manual_seed(32);
        using var other = new FluxTransformer(TestConfigs.Tiny(layers: 2, singleLayers: 2));
        other.eval();
        var error = Assert.Throws<LesaHiCache.Lesa.LesaPredictorMismatchException>(() => Generate(session, model: other).Dispose());
        Assert.Contains("another model", error.Message, StringComparison.Ordinal);

        using (no_grad())
        {
            transformer.parameters().First().add_(1e-3);
        }

        Assert.Throws<LesaHiCache.Lesa.LesaPredictorMismatchException>(() => Generate(session).Dispose());
    }

    [Fact]
    public void ALesaForecaster_RefusesAGenerationThatDoesNotNameItsModel_OrRunsAnotherSchedule()
    {
        using var predictor = RandomLesaPredictor(new FixedIntervalSchedule(7, warmup: 3), transformer);
        using var session = new CacheSession(predictor.CacheConfig());
        var times = predictor.Info.Times;
        var unnamed = Assert.Throws<InvalidOperationException>(() => session.BeginGeneration(times, 2, CfgLayout.BatchedHalves));
        Assert.Contains("ModelIdentity", unnamed.Message, StringComparison.Ordinal);

        using var otherSchedule = new CacheSession(Config(CacheLevel.Model, new FixedIntervalSchedule(6, warmup: 3), () => new LesaHiCache.Lesa.LesaForecaster(predictor)));
        var schedule = Assert.Throws<LesaHiCache.Lesa.LesaPredictorMismatchException>(() => Generate(otherSchedule).Dispose());
        Assert.Contains("schedule", schedule.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedCombinations_FailWhenTheSessionIsBuilt()
    {
        var schedule = new FixedIntervalSchedule(7, warmup: 3);
        using var predictor = new LesaHiCache.Lesa.LesaPredictor(
            new LesaHiCache.Lesa.LesaPredictorInfo
            {
                ModelFingerprint = "test",
                Steps = Steps,
                Times = [.. Enumerable.Range(0, Steps + 1).Select(i => 1 - (i / (double)Steps))],
                Schedule = schedule.Name,
                Config = new LesaHiCache.Lesa.LesaConfig { GainWidths = [8, 8] },
            },
            ModuleBuild.Cpu);
        var atModuleLevel = Assert.Throws<ArgumentException>(() => new CacheSession(Config(CacheLevel.Module, schedule, () => new LesaHiCache.Lesa.LesaForecaster(predictor))));
        Assert.Contains("lesa at module level", atModuleLevel.Message, StringComparison.Ordinal);
        var adaptive = Assert.Throws<ArgumentException>(() => new CacheSession(Config(CacheLevel.Model, new AdaptiveSchedule(0.2), () => new LesaHiCache.Lesa.LesaForecaster(predictor))));
        Assert.Contains("lesa with the schedule adaptive", adaptive.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonFiniteItem_MakesAdaptiveStepsFull_AndLeavesTheCleanItemExact()
    {
        // Item 1's noise is NaN: the first block's change is NaN for the batch. Before, a NaN change
        // never reached the threshold, steps were forecast up to the cap and item 0 drifted.
        Tensor Run(CacheSession? session)
        {
            using var flow = new FluxFlowModel(transformer, 4, 4, cache: session);
            using var noise = SeededNoise.Draw([100, 101], [16, 8], CPU);
            using (no_grad())
            {
                noise[1].fill_(double.NaN);
            }

            return FlowMatchEulerSampler.Sample(flow, text, noise, new SamplerOptions { Steps = Steps });
        }

        using var reference = Run(null);
        using var session = new CacheSession(Config(CacheLevel.Model, new AdaptiveSchedule(0.3, maxConsecutiveForecasts: 4)));
        using var cached = Run(session);
        Assert.Empty(session.Statistics.ForecastSteps);
        Assert.True(cached[0].eq(reference[0]).all().item<bool>());
        Assert.True(cached[1].isnan().all().item<bool>());
    }
}
