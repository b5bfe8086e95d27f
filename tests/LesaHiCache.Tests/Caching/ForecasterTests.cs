using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

public class ForecasterTests
{
    private const int Steps = 50;
    private static readonly CacheItemKey X = new(0, 0, 0);
    private static readonly CacheItemKey A = new(0, 0, 0);
    private static readonly CacheItemKey B = new(0, 1, 0);

    /// <summary>A polynomial trajectory F(x) = sum_i c_i x^i with random coefficient tensors.</summary>
    private sealed class Polynomial : IDisposable
    {
        private readonly Tensor[] coefficients;

        public Polynomial(int degree, int seed)
        {
            var generator = new TorchSharp.torch.Generator((ulong)seed);
            // Small higher-order coefficients keep values moderate over x in [0, 50].
            coefficients = Enumerable.Range(0, degree + 1)
                .Select(i => randn([2, 3, 4], generator: generator, dtype: ScalarType.Float64) / Math.Pow(10, i))
                .ToArray();
        }

        /// <summary>The n-th derivative at x.</summary>
        public Tensor Derivative(double x, int n)
        {
            var result = zeros([2, 3, 4], ScalarType.Float64);
            for (var i = n; i < coefficients.Length; i++)
            {
                var falling = Enumerable.Range(i - n + 1, n).Aggregate(1.0, (p, f) => p * f);
                result.add_(coefficients[i], alpha: falling * Math.Pow(x, i - n));
            }

            return result;
        }

        public Tensor At(double x) => Derivative(x, 0);

        public void Dispose()
        {
            foreach (var c in coefficients)
            {
                c.Dispose();
            }
        }
    }

    private static readonly ForecasterOptions Interpolating = ForecasterOptions.Default with { Scheme = DerivativeScheme.Interpolating };

    private static StepPosition At(int step) => new(step, 1.0 - (double)step / Steps, Steps);

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-4)
    {
        using var e = expected.to_type(ScalarType.Float64);
        using var a = actual.to_type(ScalarType.Float64);
        using var error = (e - a).abs().max();
        using var scale = e.abs().max();
        Assert.True(error.item<double>() <= tolerance * Math.Max(1, scale.item<double>()), $"max error {error.item<double>():E3} (scale {scale.item<double>():F2})");
    }

    public static TheoryData<int, int[]> PolynomialCases() => new()
    {
        { 1, [0, 1, 2, 3, 10, 17, 24, 31, 38, 45] },
        { 2, [0, 1, 2, 3, 10, 17, 24, 31, 38, 45] },
        { 3, [0, 1, 2, 3, 10, 17, 24, 31, 38, 45] },
        { 2, [0, 2, 3, 7, 12, 20, 29, 33, 41] },
        { 3, [0, 1, 4, 6, 13, 15, 22, 30, 44] },
    };

    [Theory]
    [MemberData(nameof(PolynomialCases))]
    public void InterpolatingTaylorSeer_OfOrderO_ReproducesDegreeOPolynomialsExactly(int order, int[] fullSteps)
    {
        using var trajectory = new Polynomial(order, seed: order * 10 + fullSteps[1]);
        using var forecaster = new TaylorSeer(order, Interpolating);
        var checkedSteps = 0;
        for (var s = 0; s < Steps; s++)
        {
            using var truth = trajectory.At(s);
            if (fullSteps.Contains(s))
            {
                forecaster.Observe(X, truth.to_type(ScalarType.Float32), At(s));
            }
            else if (fullSteps.Count(f => f < s) > order)
            {
                using var forecast = forecaster.Forecast(X, At(s));
                AssertClose(truth, forecast);
                checkedSteps++;
            }
        }

        Assert.True(checkedSteps > 20);
    }

    [Fact]
    public void InterpolatingTaylorSeer_InSamplerTime_IsExactInThatCoordinate()
    {
        // A shifted schedule: positions are (1 - t) S, unevenly spaced in steps.
        double Time(int s) => 1 - Math.Pow((double)s / Steps, 0.7);
        StepPosition Position(int s) => new(s, Time(s), Steps);
        using var trajectory = new Polynomial(2, seed: 77);
        using var forecaster = new TaylorSeer(2, Interpolating with { Distance = DistanceUnit.SamplerTime });
        int[] fullSteps = [0, 1, 2, 3, 10, 17, 24];
        foreach (var s in fullSteps)
        {
            using var truth = trajectory.At(Position(s).Coordinate(DistanceUnit.SamplerTime));
            forecaster.Observe(X, truth.to_type(ScalarType.Float32), Position(s));
        }

        using var expected = trajectory.At(Position(29).Coordinate(DistanceUnit.SamplerTime));
        using var forecast = forecaster.Forecast(X, Position(29));
        AssertClose(expected, forecast);
    }

    [Fact]
    public void ReferenceLadder_UsesOneDivisor_SoOrderTwoIsOffByTheBackwardDifferenceBias()
    {
        // F(s) = s^2, full steps 3, 10, 17 (d = 7): D1 = (289 - 100) / 7 = 27 = 2 * 17 - 7, D2 = 2,
        // so the forecast at 17 + k is 289 + 27 k + k^2, not (17 + k)^2 = 289 + 34 k + k^2.
        using var forecaster = new TaylorSeer(2, ForecasterOptions.Default with { Scheme = DerivativeScheme.ReferenceLadder });
        foreach (var s in new[] { 3, 10, 17 })
        {
            using var value = full(1, (float)(s * s));
            forecaster.Observe(X, value, At(s));
        }

        using var forecast = forecaster.Forecast(X, At(20));
        Assert.Equal(289 + 27 * 3 + 9, forecast.item<float>(), 3);
    }

    [Fact]
    public void ReferenceLadder_AtOrderOne_EqualsTheInterpolatingScheme()
    {
        using var trajectory = new Polynomial(3, seed: 5);
        using var reference = new TaylorSeer(1);
        using var interpolating = new TaylorSeer(1, Interpolating);
        foreach (var s in new[] { 0, 1, 2, 3, 10, 17 })
        {
            using var value = trajectory.At(s).to_type(ScalarType.Float32);
            reference.Observe(X, value, At(s));
            interpolating.Observe(X, value, At(s));
        }

        using var a = reference.Forecast(X, At(21));
        using var b = interpolating.Forecast(X, At(21));
        AssertClose(a, b, 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void InterpolatingHiCache_AtSigmaOneOverSqrt2_IsTheProbabilistsHermiteExpansion(int order)
    {
        using var trajectory = new Polynomial(order, seed: 40 + order);
        using var forecaster = new HiCache(order, 1 / Math.Sqrt(2), Interpolating);
        int[] fullSteps = [0, 1, 2, 3, 10, 17];
        foreach (var s in fullSteps)
        {
            using var value = trajectory.At(s).to_type(ScalarType.Float32);
            forecaster.Observe(X, value, At(s));
        }

        const double K = 4;
        // He_0 = 1, He_1 = x, He_{n+1} = x He_n - n He_{n-1}.
        var he = new double[order + 1];
        he[0] = 1;
        he[1] = K;
        for (var n = 1; n < order; n++)
        {
            he[n + 1] = K * he[n] - n * he[n - 1];
        }

        using var expected = trajectory.At(17);
        for (var n = 1; n <= order; n++)
        {
            using var derivative = trajectory.Derivative(17, n);
            expected.add_(derivative, alpha: he[n] / PolynomialStateFactorial(n));
        }

        using var forecast = forecaster.Forecast(X, At(17 + (int)K));
        AssertClose(expected, forecast);
    }

    private static double PolynomialStateFactorial(int n) => Enumerable.Range(1, n).Aggregate(1.0, (p, f) => p * f);

    [Fact]
    public void InterpolatingHiCache_AtSigmaHalf_OrderOneAndTwo_MatchTheClosedForms()
    {
        // Quadratic F(s) = 2 + 3 s + 0.5 s^2: at s_j = 10, D0 = 82, D1 = 13, D2 = 1.
        static float F(double s) => (float)(2 + 3 * s + 0.5 * s * s);
        using var first = new HiCache(1, 0.5, Interpolating);
        using var second = new HiCache(2, 0.5, Interpolating);
        foreach (var s in new[] { 0, 3, 10 })
        {
            using var value = full(1, F(s));
            first.Observe(X, value, At(s));
            second.Observe(X, value, At(s));
        }

        const double K = 5;
        using var orderOne = first.Forecast(X, At(15));
        using var orderTwo = second.Forecast(X, At(15));
        // Order 1 interpolates the last two full steps: D1 = (82 - 15.5) / 7 = 9.5.
        Assert.Equal(82 + 0.5 * K * 9.5, orderOne.item<float>(), 3);
        Assert.Equal(82 + 0.5 * K * 13 + 1 * (K * K / 8 - 0.25), orderTwo.item<float>(), 3);
    }

    [Fact]
    public void Hermite_MatchesTheClosedForms()
    {
        foreach (var x in new[] { -1.3, 0.0, 0.4, 2.5 })
        {
            var h = Hermite.Values(4, x);
            Assert.Equal(1, h[0], 12);
            Assert.Equal(2 * x, h[1], 12);
            Assert.Equal(4 * x * x - 2, h[2], 12);
            Assert.Equal(8 * Math.Pow(x, 3) - 12 * x, h[3], 12);
            Assert.Equal(16 * Math.Pow(x, 4) - 48 * x * x + 12, h[4], 12);
        }
    }

    [Fact]
    public void Fora_ReturnsTheLastComputedFeatures()
    {
        using var fora = new Fora();
        using var a = randn(3, 4);
        using var b = randn(3, 4);
        fora.Observe(X, a, At(0));
        fora.Observe(X, b, At(5));
        using var forecast = fora.Forecast(X, At(9));
        Assert.True(forecast.eq(b).all().item<bool>());
        Assert.Equal(3 * 4 * 4, fora.StateBytes);
    }

    [Fact]
    public void State_IsFloat32ForHalfPrecisionFeatures_AndForecastsComeBackInTheirDtype()
    {
        using var forecaster = new TaylorSeer(2);
        using var features = randn(4, 8).to_type(ScalarType.BFloat16);
        forecaster.Observe(X, features, At(0));
        forecaster.Observe(X, features, At(1));
        Assert.Equal(2 * 4 * 8 * 4, forecaster.StateBytes);
        using var forecast = forecaster.Forecast(X, At(3));
        Assert.Equal(ScalarType.BFloat16, forecast.dtype);
    }

    [Fact]
    public void Forecast_OfAnUnseenItem_IsAClearError()
    {
        using var forecaster = new HiCache();
        var error = Assert.Throws<InvalidOperationException>(() => forecaster.Forecast(new CacheItemKey(0, 3, 1), At(4)));
        Assert.Contains(new CacheItemKey(0, 3, 1).ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FullStepsGoingBackwards_AreRefused()
    {
        using var forecaster = new TaylorSeer(1);
        using var x = ones(2);
        forecaster.Observe(X, x, At(5));
        Assert.Throws<InvalidOperationException>(() => forecaster.Observe(X, x, At(5)));
    }

    [Fact]
    public void Reset_ReleasesEveryTensor_AndLiveCountsStayFlat()
    {
        using var forecaster = new HiCache(2, 0.5);
        using var features = randn(8, 16);
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var generation = 0; generation < 20; generation++)
        {
            foreach (var s in new[] { 0, 1, 2, 3, 10, 17 })
            {
                forecaster.Observe(A, features, At(s));
                forecaster.Observe(B, features, At(s));
                using var forecast = forecaster.Forecast(A, At(s + 2));
            }

            forecaster.Reset();
            Assert.Equal(0, forecaster.StateBytes);
            Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
    }

    [Theory]
    [InlineData(0, DerivativeScheme.Interpolating)]
    [InlineData(1, DerivativeScheme.Interpolating)]
    [InlineData(2, DerivativeScheme.Interpolating)]
    [InlineData(2, DerivativeScheme.ReferenceLadder)]
    public void AddScaledForecast_AddsScaleTimesTheForecast(int order, DerivativeScheme scheme)
    {
        using var forecaster = new HiCache(order, 0.5, new ForecasterOptions { Scheme = scheme });
        using var polynomial = new Polynomial(2, seed: 7);
        foreach (var s in new[] { 0, 1, 2, 3, 10 })
        {
            using var value = polynomial.At(s).to_type(ScalarType.Float32);
            forecaster.Observe(X, value, At(s));
        }

        using var scale = randn(2, 1, 4);
        using var target = randn(2, 3, 4);
        using var forecast = forecaster.Forecast(X, At(14));
        using var expected = target + scale * forecast;
        forecaster.AddScaledForecast(X, At(14), target, scale);
        AssertClose(expected, target, 1e-6);
    }

    [Fact]
    public void AddScaledForecast_OfHalfPrecisionFeatures_UsesTheForecastInTheirDtype()
    {
        using var forecaster = new TaylorSeer(1);
        using var first = randn(2, 3).to_type(ScalarType.BFloat16);
        using var second = randn(2, 3).to_type(ScalarType.BFloat16);
        forecaster.Observe(X, first, At(0));
        forecaster.Observe(X, second, At(1));
        using var target = randn(2, 3).to_type(ScalarType.BFloat16);
        using var scale = full(2, 1, 0.5, ScalarType.BFloat16);
        using var forecast = forecaster.Forecast(X, At(3));
        using var expected = target.addcmul(scale, forecast, 1);
        forecaster.AddScaledForecast(X, At(3), target, scale);
        Assert.True(expected.eq(target).all().item<bool>());
    }

    [Fact]
    public void Observe_AfterTheFirstOrderPlusOneFullSteps_ReusesItsTensors()
    {
        using var forecaster = new HiCache(2, 0.5);
        using var features = randn(8, 16);
        foreach (var s in new[] { 0, 1, 2 })
        {
            forecaster.Observe(X, features, At(s));
        }

        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var bytes = forecaster.StateBytes;
        foreach (var s in new[] { 3, 10, 17, 24 })
        {
            forecaster.Observe(X, features, At(s));
            forecaster.AddScaledForecast(X, At(s + 3), features, features);
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(bytes, forecaster.StateBytes);
    }

    [Fact]
    public void Observe_OfAnotherShape_IsAClearError()
    {
        using var forecaster = new TaylorSeer(1);
        using var small = randn(2, 4);
        using var large = randn(3, 4);
        forecaster.Observe(X, small, At(0));
        var error = Assert.Throws<InvalidOperationException>(() => forecaster.Observe(X, large, At(1)));
        Assert.Contains("changed shape", error.Message, StringComparison.Ordinal);
    }
}
