using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

public class BlockListCacheTests
{
    /// <summary>A model of three residual "blocks" x -> x + w_i * tanh(x) * t, run through the adapter.</summary>
    private sealed class ResidualModel(CacheSession? cache) : IFlowModel
    {
        private readonly double[] weights = [0.5, -0.3, 0.2];

        public int BlockCalls { get; private set; }

        public Tensor Velocity(Tensor latents, Tensor time, TextConditioning text)
        {
            var step = cache?.NextForward(latents.shape);
            return BlockListCache.Run(weights, latents, (w, x) =>
            {
                BlockCalls++;
                return x + w * tanh(x) * time.view(-1, 1, 1);
            }, step);
        }

        public void BeginGeneration(IReadOnlyList<double> times, long batch, CfgLayout cfg) => cache?.BeginGeneration(times, batch, cfg);

        public void BeginStep(int step) => cache?.BeginStep(step);

        public void EndGeneration() => cache?.EndGeneration();
    }

    private static readonly TextConditioning Text = new(zeros(1, 1, 1), zeros(1, 1));

    private static (Tensor Result, int Calls) Run(CacheSession? cache)
    {
        var model = new ResidualModel(cache);
        using var noise = SeededNoise.Draw([4], [5, 3], CPU);
        var result = FlowMatchEulerSampler.Sample(model, Text, noise, new SamplerOptions { Steps = 20 });
        return (result, model.BlockCalls);
    }

    [Fact]
    public void EveryStepFull_IsIdenticalToNoCaching()
    {
        var (reference, referenceCalls) = Run(null);
        using var session = new CacheSession(new CacheConfig { Level = CacheLevel.Block, Schedule = new FixedIntervalSchedule(1, warmup: 0) });
        var (cached, calls) = Run(session);
        Assert.True(reference.eq(cached).all().item<bool>());
        Assert.Equal(60, referenceCalls);
        Assert.Equal(60, calls);
        reference.Dispose();
        cached.Dispose();
    }

    [Fact]
    public void ForecastSteps_RunNoBlock_AndStayClose()
    {
        var (reference, _) = Run(null);
        using var session = new CacheSession(new CacheConfig { Level = CacheLevel.Block, Forecaster = () => new TaylorSeer(1), Schedule = new FixedIntervalSchedule(3, warmup: 2) });
        var (cached, calls) = Run(session);
        Assert.Equal(3 * session.Statistics.FullSteps.Count, calls);
        Assert.Equal(8, session.Statistics.FullSteps.Count); // 0, 1, 2, 5, 8, 11, 14, 17
        Assert.Equal(3, session.Statistics.Items);
        using var error = (cached - reference).abs().mean() / reference.abs().mean();
        Assert.True(error.item<float>() < 0.05, $"rel L1 {error.item<float>():F4}");
        reference.Dispose();
        cached.Dispose();
    }
}
