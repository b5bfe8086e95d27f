using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

/// <summary>
/// The default derivative scheme against the reference recurrence, worked by hand: at a full step
/// D_0 = F and D_{i+1} = (new D_i - old D_i) / d, with d the distance to the previous full step; no
/// difference before step W - 1 ("step > first_enhance - 2"); an order appears only once the
/// previous full step held the order below it.
/// </summary>
public class ReferenceLadderTests
{
    private const int Steps = 50;
    private static readonly CacheItemKey X = new(0, 0, 0);
    private static readonly IReadOnlyList<double> Times = new FlowMatchSchedule(Steps, TimestepShift.None, 16).Times;

    // Full steps {0, 1, 2, 8, 14} (the counter rule with N = 6, W = 3) and a scalar feature F.
    private static readonly (int Step, float Value)[] FullSteps = [(0, 1), (1, 2), (2, 4), (8, 10), (14, 7)];

    // By hand, W = 3:
    // step 0: D = [1]
    // step 1: 1 <= W - 2, no difference: D = [2]
    // step 2: D0 = 4, D1 = (4 - 2) / 1 = 2; step 1 held no D1, so no D2: D = [4, 2]
    // step 8 (d = 6): D0 = 10, D1 = (10 - 4) / 6 = 1, D2 = (1 - 2) / 6 = -1/6
    // step 14 (d = 6): D0 = 7, D1 = (7 - 10) / 6 = -0.5, D2 = (-0.5 - 1) / 6 = -0.25
    private static readonly double[][] Derivatives = [[1], [2], [4, 2], [10, 1, -1.0 / 6], [7, -0.5, -0.25]];

    private static StepPosition At(int step) => new(step, Times[step], Steps);

    private static T Begin<T>(T forecaster, int warmup)
        where T : IFeatureForecaster
    {
        forecaster.BeginGeneration(new GenerationInfo(Times, warmup, CfgLayout.None));
        return forecaster;
    }

    private static double[] DerivativesOf(PolynomialForecaster forecaster)
    {
        var derivatives = forecaster.Derivatives(X);
        try
        {
            return [.. derivatives.Select(d => d.item<double>())];
        }
        finally
        {
            foreach (var d in derivatives)
            {
                d.Dispose();
            }
        }
    }

    [Fact]
    public void TheDefaultScheme_IsTheReferenceLadder() =>
        Assert.Equal(DerivativeScheme.ReferenceLadder, ForecasterOptions.Default.Scheme);

    [Fact]
    public void TaylorFactors_AfterEveryFullStep_EqualTheHandComputedLadder()
    {
        using var forecaster = Begin(new TaylorSeer(2), warmup: 3);
        for (var i = 0; i < FullSteps.Length; i++)
        {
            using var value = full(1, FullSteps[i].Value);
            forecaster.Observe(X, value, At(FullSteps[i].Step));
            Assert.Equal(Derivatives[i], DerivativesOf(forecaster), (a, b) => Math.Abs(a - b) < 1e-6);
        }
    }

    [Theory]
    // TaylorSeer(2): D0 + D1 k + D2 k^2 / 2 with k = 3 from the last full step.
    [InlineData("taylorseer", 5, 4 + (2 * 3))]
    [InlineData("taylorseer", 11, 10 + (1 * 3) - (1.0 / 6 * 9 / 2))]
    [InlineData("taylorseer", 17, 7 - (0.5 * 3) - (0.25 * 9 / 2))]
    // HiCache(2, 0.5): D0 + D1 0.5 H1(1.5) + D2 0.25 H2(1.5) / 2, H1(1.5) = 3, H2(1.5) = 4 * 2.25 - 2 = 7.
    [InlineData("hicache", 5, 4 + (2 * 0.5 * 3))]
    [InlineData("hicache", 11, 10 + (1 * 0.5 * 3) - (1.0 / 6 * 0.25 * 7 / 2))]
    [InlineData("hicache", 17, 7 - (0.5 * 0.5 * 3) - (0.25 * 0.25 * 7 / 2))]
    public void Forecasts_EqualTheHandComputedReference(string method, int step, double expected)
    {
        using IFeatureForecaster forecaster = Begin<IFeatureForecaster>(method == "taylorseer" ? new TaylorSeer(2) : new HiCache(2, 0.5), warmup: 3);
        foreach (var (fullStep, value) in FullSteps.Where(f => f.Step < step))
        {
            using var features = full(1, value);
            forecaster.Observe(X, features, At(fullStep));
        }

        using var forecast = forecaster.Forecast(X, At(step));
        Assert.Equal(expected, forecast.item<float>(), 5);
    }

    [Fact]
    public void WithoutTheWarmupRule_StepTwoWouldHoldASecondDifference()
    {
        // W = 1: differences from the first step on. Step 1: D = [2, 1]; step 2: D = [4, 2, (2 - 1) / 1 = 1],
        // so the forecast at step 5 is 4 + 2 * 3 + 9 / 2 = 14.5 instead of the reference's 10.
        using var forecaster = Begin(new TaylorSeer(2), warmup: 1);
        foreach (var (step, value) in FullSteps.Take(3))
        {
            using var features = full(1, value);
            forecaster.Observe(X, features, At(step));
        }

        Assert.Equal([4, 2, 1], DerivativesOf(forecaster), (a, b) => Math.Abs(a - b) < 1e-6);
        using var forecast = forecaster.Forecast(X, At(5));
        Assert.Equal(14.5, forecast.item<float>(), 5);
    }

    [Fact]
    public void Reset_ForgetsTheWarmup()
    {
        using var forecaster = Begin(new TaylorSeer(2), warmup: 3);
        forecaster.Reset();
        using var first = full(1, 1f);
        using var second = full(1, 2f);
        forecaster.Observe(X, first, At(0));
        forecaster.Observe(X, second, At(1));
        Assert.Equal([2, 1], DerivativesOf(forecaster), (a, b) => Math.Abs(a - b) < 1e-6);
    }
}
