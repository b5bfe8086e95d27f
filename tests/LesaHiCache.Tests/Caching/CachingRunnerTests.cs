using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

/// <summary>The runner on a toy host whose outputs can be computed by hand: block i is x + g_i tanh(w_i x), one gated branch.</summary>
public class CachingRunnerTests
{
    private static readonly double[] Weights = [0.5, -1.5, 2.0];
    private static readonly double[] Gates = [0.3, 0.7, -0.4];
    private static readonly IReadOnlyList<double> Times = [1.0, 0.5, 0.0];

    private sealed class ToyBlock(double weight, double gate, List<int> calls, int index) : ICacheableBlock<Tensor>
    {
        public Tensor Forward(Tensor state, IBranchOutputs branches)
        {
            calls.Add(index);
            var branch = tanh(state * weight);
            branches.Computed(0, branch);
            return state + (gate * branch);
        }

        public void AddForecasts(Tensor hidden, IGatedForecasts forecasts)
        {
            using var gateTensor = tensor(gate, hidden.dtype);
            forecasts.AddTo(hidden, 0, gateTensor);
        }
    }

    /// <summary>Runs step 0 (full, input <paramref name="first"/>) and step 1 (forecast, input <paramref name="second"/>); returns step 1's output and the blocks run on it.</summary>
    private static (Tensor Output, List<int> Calls) TwoSteps(CacheLevel level, Tensor first, Tensor second)
    {
        using var session = new CacheSession(new CacheConfig { Level = level, Forecaster = () => new Fora(), Schedule = new StepMaskSchedule([0]) });
        session.BeginGeneration(Times, 1, CfgLayout.None);
        var calls = new List<int>();
        var blocks = Weights.Select((w, i) => (ICacheableBlock<Tensor>)new ToyBlock(w, Gates[i], calls, i)).ToList();
        session.BeginStep(0);
        using (CachingRunner.Run(blocks, first, session.NextForward(first.shape)))
        {
        }

        calls.Clear();
        session.BeginStep(1);
        var output = CachingRunner.Run(blocks, second, session.NextForward(second.shape));
        session.EndGeneration();
        return (output, calls);
    }

    private static double[] Inputs(double x)
    {
        var inputs = new List<double> { x };
        for (var i = 0; i < Weights.Length; i++)
        {
            inputs.Add(inputs[^1] + (Gates[i] * Math.Tanh(Weights[i] * inputs[^1])));
        }

        return [.. inputs];
    }

    [Fact]
    public void ModuleLevel_ForecastStep_AddsEachGateTimesTheLastBranchOutput_AndRunsNoBlock()
    {
        using var first = tensor(new[] { 0.8 }, [1, 1], ScalarType.Float64);
        using var second = tensor(new[] { -0.3 }, [1, 1], ScalarType.Float64);
        var (output, calls) = TwoSteps(CacheLevel.Module, first, second);
        var h = Inputs(0.8);
        var expected = -0.3 + Enumerable.Range(0, Weights.Length).Sum(i => Gates[i] * Math.Tanh(Weights[i] * h[i]));
        Assert.Equal(expected, output.item<double>(), 6); // forecaster state is float32
        Assert.Empty(calls);
        Assert.Equal(-0.3, second.item<double>()); // the caller's input is not updated in place
        output.Dispose();
    }

    [Fact]
    public void BlockLevel_ForecastStep_AddsTheLastResiduals()
    {
        using var first = tensor(new[] { 0.8 }, [1, 1], ScalarType.Float64);
        using var second = tensor(new[] { -0.3 }, [1, 1], ScalarType.Float64);
        var (output, calls) = TwoSteps(CacheLevel.Block, first, second);
        var h = Inputs(0.8);
        Assert.Equal(-0.3 + (h[^1] - h[0]), output.item<double>(), 6); // forecaster state is float32
        Assert.Empty(calls);
        output.Dispose();
    }

    [Fact]
    public void ModelLevel_ForecastStep_ReturnsTheLastOutput()
    {
        using var first = tensor(new[] { 0.8 }, [1, 1], ScalarType.Float64);
        using var second = tensor(new[] { -0.3 }, [1, 1], ScalarType.Float64);
        var (output, calls) = TwoSteps(CacheLevel.Model, first, second);
        Assert.Equal(Inputs(0.8)[^1], output.item<double>(), 6); // forecaster state is float32
        Assert.Empty(calls);
        output.Dispose();
    }

    [Fact]
    public void BlockLevel_WithTrailingBlocks_RunsTheLastBlockOnTheForecastState()
    {
        // DBCache F1B1 with FORA: block 0 (h + 1) and block 2 (3h) run on every step, block 1 (2h) on full
        // steps only. Step 0 (x = 0.5): block 1's residual is 2(1.5) - 1.5 = 1.5. Step 1 (x = -0.25):
        // 3 (-0.25 + 1 + 1.5) = 6.75, where adding every residual (Bn = 0) would give 0.75 + 1.5 + 6 = 8.25.
        using var session = new CacheSession(new CacheConfig { Level = CacheLevel.Block, Forecaster = () => new Fora(), Schedule = new DbCacheSchedule(1, 1, threshold: double.PositiveInfinity, warmup: 1) });
        session.BeginGeneration(Times, 1, CfgLayout.None);
        var calls = new List<int>();
        Tensor Apply(int i, Tensor h)
        {
            calls.Add(i);
            return i switch { 0 => h + 1, 1 => h * 2, _ => h * 3 };
        }

        var outputs = new List<double>();
        foreach (var (step, x) in new[] { (0, 0.5), (1, -0.25) })
        {
            session.BeginStep(step);
            using var input = tensor(new[] { (float)x }, [1, 1], ScalarType.Float32);
            using var output = BlockListCache.Run([0, 1, 2], input, Apply, session.NextForward(input.shape));
            outputs.Add(output.item<float>());
        }

        session.EndGeneration();
        Assert.Equal(3 * 2 * 1.5, outputs[0], 6);
        Assert.Equal(6.75, outputs[1], 6);
        Assert.Equal([0, 1, 2, 0, 2], calls);
        Assert.Equal([1], session.Statistics.ForecastSteps);
    }

    [Fact]
    public void AnUncachedCall_RunsEveryBlock()
    {
        using var x = tensor(new[] { 0.8 }, [1, 1], ScalarType.Float64);
        var calls = new List<int>();
        var blocks = Weights.Select((w, i) => (ICacheableBlock<Tensor>)new ToyBlock(w, Gates[i], calls, i)).ToList();
        using var output = CachingRunner.Run(blocks, x, forward: null);
        Assert.Equal(Inputs(0.8)[^1], output.item<double>(), 12);
        Assert.Equal([0, 1, 2], calls);
    }

    [Fact]
    public void BlockListCache_WithAnAdaptiveSchedule_RunsTheFirstBlockEveryStep_AndForecastsSome()
    {
        var calls = new int[3];
        using var session = new CacheSession(new CacheConfig { Level = CacheLevel.Block, Forecaster = () => new TaylorSeer(1), Schedule = new AdaptiveSchedule(0.5, maxConsecutiveForecasts: 3) });
        var times = new FlowMatchSchedule(20, TimestepShift.None, 16).Times;
        session.BeginGeneration(times, 1, CfgLayout.None);
        using var x = tensor(new[] { 0.2, -0.4, 0.9 }, [1, 3], ScalarType.Float32);
        for (var s = 0; s < 20; s++)
        {
            session.BeginStep(s);
            var t = times[s];
            using var output = BlockListCache.Run([0, 1, 2], x, (i, h) =>
            {
                calls[i]++;
                return h + (Gates[i] * t * tanh(h * Weights[i]));
            }, session.NextForward(x.shape));
        }

        session.EndGeneration();
        var forecast = session.Statistics.ForecastSteps.Count;
        Assert.InRange(forecast, 1, 17);
        Assert.Equal(20, calls[0]);
        Assert.Equal(20 - forecast, calls[1]);
        Assert.Equal(20 - forecast, calls[2]);
    }

    [Fact]
    public void BlockListCache_RefusesModuleLevel_NamingWhatItNeeds()
    {
        using var session = new CacheSession(new CacheConfig { Level = CacheLevel.Module, Schedule = new StepMaskSchedule([0]) });
        session.BeginGeneration(Times, 1, CfgLayout.None);
        session.BeginStep(0);
        using var x = zeros(1, 1);
        var error = Assert.Throws<NotSupportedException>(() => BlockListCache.Run([1.0], x, (w, h) => h * w, session.NextForward(x.shape)));
        Assert.Contains("ICacheableBlock", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, CacheItemKey.WholeStack, 0, "0:hidden")]
    [InlineData(1, 3, 1, "1:block3.1")]
    public void ItemKeys_PrintAndParse(int branch, int block, int slot, string text)
    {
        var key = new CacheItemKey(branch, block, slot);
        Assert.Equal(text, key.ToString());
        Assert.Equal(key, CacheItemKey.Parse(text));
    }

    [Theory]
    [InlineData("hidden")]
    [InlineData("0:double3.img_attn")]
    [InlineData("0:block3")]
    [InlineData("-1:hidden")]
    public void BadItemKeys_AreRefused(string text) => Assert.Throws<FormatException>(() => CacheItemKey.Parse(text));
}
