using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

/// <summary>NaN or infinite features on a full step: never ingested, the policy applied, clean items untouched.</summary>
public sealed class NonFiniteGuardTests : IDisposable
{
    private const int Steps = 20;
    private static readonly int[] FullSteps = [0, 1, 2, 6, 10, 14, 18];
    private readonly TinyFluxSetup setup = new();
    private readonly FluxTransformer transformer;
    private readonly TextConditioning text;

    public NonFiniteGuardTests()
    {
        transformer = setup.Transformer;
        text = setup.Text;
    }

    public void Dispose() => setup.Dispose();

    private static CacheConfig Config(CacheLevel level, NonFinitePolicy policy, ILogger? logger = null, Func<IFeatureForecaster>? forecaster = null) => new()
    {
        Level = level,
        Schedule = new StepMaskSchedule(FullSteps),
        Forecaster = forecaster ?? (() => new TaylorSeer(2)),
        OnNonFiniteFeatures = policy,
        Logger = logger,
    };

    /// <summary>Samples items 100 and 101; item 1's noise is NaN when <paramref name="poison"/>.</summary>
    private Tensor Generate(CacheSession? session, bool poison)
    {
        using var flow = new FluxFlowModel(transformer, 4, 4, cache: session);
        using var noise = SeededNoise.Draw([100, 101], [16, 8], CPU);
        if (poison)
        {
            using var _ = no_grad();
            noise[1].fill_(double.NaN);
        }

        return FlowMatchEulerSampler.Sample(flow, text, noise, new SamplerOptions { Steps = Steps });
    }

    [Theory]
    [InlineData(CacheLevel.Module)]
    [InlineData(CacheLevel.Model)]
    [InlineData(CacheLevel.Block)]
    public void ANaNItem_ComputesEveryStepFully_TheForecasterNeverSeesIt_AndTheCleanItemIsTheUncachedOne(CacheLevel level)
    {
        // Before the guard the NaN features were ingested and the schedule forecast 13 of 20 steps.
        var logger = new WarningCounter();
        var forecaster = new FiniteOnly();
        using var reference = Generate(null, poison: true);
        using var session = new CacheSession(Config(level, NonFinitePolicy.ComputeFully, logger, () => forecaster));
        using var cached = Generate(session, poison: true);
        Assert.Empty(session.Statistics.ForecastSteps);
        Assert.Equal(0, session.Statistics.NonFinite!.Step);
        Assert.Equal([1L], session.Statistics.NonFinite.Rows);
        Assert.Equal(0, forecaster.NonFiniteObserved);
        Assert.Equal(1, logger.Warnings);
        Assert.True(cached[0].eq(reference[0]).all().item<bool>());
        Assert.True(cached[1].isnan().all().item<bool>());
    }

    [Fact]
    public void ANaNFromAMidGenerationFullStep_MakesTheRemainingStepsFull()
    {
        // Step 6 is a full step whose latents hold NaN in row 1; steps 7-9 were forecast steps.
        using var session = new CacheSession(Config(CacheLevel.Module, NonFinitePolicy.ComputeFully));
        using var cachedFlow = new FluxFlowModel(transformer, 4, 4, cache: session);
        using var plainFlow = new FluxFlowModel(transformer, 4, 4);
        using var latents = SeededNoise.Draw([100, 101], [16, 8], CPU);
        using var poisoned = latents.clone();
        using (no_grad())
        {
            poisoned[1].fill_(double.PositiveInfinity);
        }

        var times = new FlowMatchSchedule(Steps, TimestepShift.None, 16).Times;
        using var _ = no_grad();
        session.BeginGeneration(times, 2, CfgLayout.None);
        for (var step = 0; step <= 9; step++)
        {
            session.BeginStep(step);
            var input = step >= 6 ? poisoned : latents;
            using var time = full(2, times[step], ScalarType.Float32);
            using var actual = cachedFlow.Velocity(input, time, text);
            if (step >= 7)
            {
                using var expected = plainFlow.Velocity(input, time, text);
                Assert.True(actual[0].eq(expected[0]).all().item<bool>());
            }
        }

        session.EndGeneration();
        Assert.Equal([0, 1, 2, 6, 7, 8, 9], session.Statistics.FullSteps);
        Assert.Equal([3, 4, 5], session.Statistics.ForecastSteps);
        Assert.Equal(6, session.Statistics.NonFinite!.Step);
    }

    [Fact]
    public void TheThrowPolicy_NamesTheStepItemAndRows_AndTheSessionStaysUsable()
    {
        using var session = new CacheSession(Config(CacheLevel.Module, NonFinitePolicy.Throw));
        var error = Assert.Throws<NonFiniteFeaturesException>(() => Generate(session, poison: true).Dispose());
        Assert.Equal(0, error.Found!.Step);
        Assert.Equal([1L], error.Found.Rows);
        Assert.Contains("step 0, '0:block0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("rows [1]", error.Message, StringComparison.Ordinal);

        using var fresh = new CacheSession(Config(CacheLevel.Module, NonFinitePolicy.Throw));
        using var expected = Generate(fresh, poison: false);
        using var actual = Generate(session, poison: false);
        Assert.True(actual.eq(expected).all().item<bool>());
        Assert.Null(session.Statistics.NonFinite);
        Assert.NotEmpty(session.Statistics.ForecastSteps);
    }

    [Fact]
    public void CleanFeatures_AreNotFlagged_EvenWhenTheirSumOverflows()
    {
        using var session = new CacheSession(Config(CacheLevel.Module, NonFinitePolicy.Throw));
        session.BeginGeneration(new FlowMatchSchedule(Steps, TimestepShift.None, 16).Times, 2, CfgLayout.None);
        session.BeginStep(0);
        var forward = session.NextForward([2, 16, 8]);
        using var huge = full(2, 4, 3e38f); // finite values whose float32 sum is infinite
        forward.Observe(new CacheItemKey(0, 0, 0), huge);
        Assert.Null(session.Statistics.NonFinite);
    }

    [Fact]
    public void AnUndefinedPolicy_IsRefusedWhenTheSessionIsBuilt()
    {
        var error = Assert.Throws<ArgumentException>(() => new CacheSession(Config(CacheLevel.Module, (NonFinitePolicy)7)));
        Assert.Contains("OnNonFiniteFeatures", error.Message, StringComparison.Ordinal);
    }

    /// <summary>TaylorSeer that counts the non-finite features it is given.</summary>
    private sealed class FiniteOnly : IFeatureForecaster
    {
        private readonly TaylorSeer inner = new(2);

        public int NonFiniteObserved { get; private set; }

        public string Name => "finite-only";

        public long StateBytes => inner.StateBytes;

        public int ItemCount => inner.ItemCount;

        public void Observe(CacheItemKey item, Tensor features, StepPosition position)
        {
            using var finite = features.isfinite().all();
            NonFiniteObserved += finite.item<bool>() ? 0 : 1;
            inner.Observe(item, features, position);
        }

        public Tensor Forecast(CacheItemKey item, StepPosition position) => inner.Forecast(item, position);

        public void BeginGeneration(GenerationInfo generation) => inner.BeginGeneration(generation);

        public void Reset() => inner.Reset();

        public void Dispose() => inner.Dispose();
    }

    private sealed class WarningCounter : ILogger
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Warnings += logLevel == LogLevel.Warning ? 1 : 0;
        }
    }
}
