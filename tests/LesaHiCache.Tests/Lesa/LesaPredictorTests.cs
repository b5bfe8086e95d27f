using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Lesa;
using LesaHiCache.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Lesa;

public class LesaPredictorTests
{
    private const int Steps = 12;
    private static readonly CacheItemKey X = new(0, 0, 0);
    private static readonly double[] Times = new FlowMatchSchedule(Steps, TimestepShift.None, 64).Times.ToArray();
    private static readonly FixedIntervalSchedule Schedule = new(4, warmup: 1);

    private static LesaPredictor Predictor(string fingerprint = "sha256:model", LesaConfig? config = null, LesaCfgExperts cfgExperts = LesaCfgExperts.Shared)
    {
        manual_seed(5);
        var info = new LesaPredictorInfo
        {
            ModelFingerprint = fingerprint,
            Steps = Steps,
            Times = Times,
            Schedule = Schedule.Name,
            FullSteps = LesaPredictor.FullStepsOf(Schedule, Times),
            Config = config ?? new LesaConfig { GainWidths = [8, 8] },
            CfgExperts = cfgExperts,
        };
        return new LesaPredictor(info, ModuleBuild.Cpu);
    }

    /// <summary>A generation of the predictors' model, times and schedule.</summary>
    private static GenerationInfo Generation(CfgLayout cfg = CfgLayout.None) =>
        new(Times, 1, cfg) { Model = ModelIdentity.FromFingerprint("sha256:model"), FullSteps = LesaPredictor.FullStepsOf(Schedule, Times) };

    /// <summary>Sets every expert of a set to w = <paramref name="weights"/> (padded with zeros), b = 0.</summary>
    private static void SetMixers(IEnumerable<LesaExpert> experts, params float[] weights)
    {
        using var _ = no_grad();
        foreach (var expert in experts)
        {
            expert.MixerWeight.zero_();
            for (var k = 0; k < weights.Length; k++)
            {
                expert.MixerWeight[k].fill_(weights[k]);
            }

            expert.MixerBias.zero_();
        }
    }

    [Fact]
    public void PerHalf_HasAnUnconditionalExpertSet_UnderItsOwnKeys()
    {
        using var shared = Predictor();
        using var perHalf = Predictor(cfgExperts: LesaCfgExperts.PerHalf);
        var sharedKeys = shared.state_dict().Keys.ToList();
        var perHalfKeys = perHalf.state_dict().Keys.ToList();
        Assert.All(sharedKeys, k => Assert.StartsWith("experts.", k, StringComparison.Ordinal));
        Assert.Equal(2 * sharedKeys.Count, perHalfKeys.Count);
        Assert.Equal(sharedKeys.Select(k => "unconditional_" + k).Concat(sharedKeys).Order(), perHalfKeys.Order());
        Assert.Empty(shared.UnconditionalExperts);
        Assert.Equal(3, perHalf.UnconditionalExperts.Count);
    }

    [Theory]
    [InlineData(CfgLayout.BatchedHalves)]
    [InlineData(CfgLayout.SeparateCalls)]
    public void PerHalfForecaster_ForecastsEachCfgHalfWithItsOwnExperts(CfgLayout cfg)
    {
        // Conditional experts: first difference, F^ = a + g_c (a - b). Unconditional experts: a
        // damped reuse, F^ = a + g_u (0.5 a). Each half's history holds its own forecasts.
        using var predictor = Predictor(cfgExperts: LesaCfgExperts.PerHalf);
        SetMixers(predictor.Experts, 1, -1);
        SetMixers(predictor.UnconditionalExperts, 0.5f);
        predictor.WeightsChanged();
        var (conditionalGains, unconditionalGains) = (predictor.Gains(), predictor.Gains(unconditional: true));
        Assert.NotEqual(conditionalGains, unconditionalGains);
        var full = LesaPredictor.FullStepsOf(Schedule, Times)!;
        using var forecaster = new LesaForecaster(predictor);
        forecaster.BeginGeneration(Generation(cfg));
        var (unconditional, conditional) = (new List<double>(), new List<double>());
        for (var s = 0; s < Steps; s++)
        {
            var position = new StepPosition(s, Times[s], Steps);
            if (full.Contains(s))
            {
                var (computedU, computedC) = (Math.Sin(s), Math.Cos(s) + s);
                Observe(position, computedU, computedC);
                unconditional.Add(computedU);
                conditional.Add(computedC);
                continue;
            }

            var (a, b) = (conditional[^1], conditional.Count > 1 ? conditional[^2] : conditional[^1]);
            var expectedConditional = a + (conditionalGains[s] * (a - b));
            var expectedUnconditional = unconditional[^1] + (unconditionalGains[s] * 0.5 * unconditional[^1]);
            var (u, c) = Forecast(position);
            Assert.Equal(expectedUnconditional, u, 4);
            Assert.Equal(expectedConditional, c, 4);
            unconditional.Add(expectedUnconditional);
            conditional.Add(expectedConditional);
        }

        void Observe(StepPosition position, double u, double c)
        {
            if (cfg == CfgLayout.BatchedHalves)
            {
                using var rows = tensor(new[] { (float)u, (float)c }, [2, 1]);
                forecaster.Observe(X, rows, position);
            }
            else
            {
                using var first = tensor(new[] { (float)u }, [1, 1]);
                using var second = tensor(new[] { (float)c }, [1, 1]);
                forecaster.Observe(new CacheItemKey(0, 0, 0), first, position);
                forecaster.Observe(new CacheItemKey(1, 0, 0), second, position);
            }
        }

        (double U, double C) Forecast(StepPosition position)
        {
            if (cfg == CfgLayout.BatchedHalves)
            {
                using var rows = forecaster.Forecast(X, position);
                forecaster.ObserveForecast(X, rows, position);
                return (rows[0, 0].item<float>(), rows[1, 0].item<float>());
            }

            using var first = forecaster.Forecast(new CacheItemKey(0, 0, 0), position);
            using var second = forecaster.Forecast(new CacheItemKey(1, 0, 0), position);
            forecaster.ObserveForecast(new CacheItemKey(0, 0, 0), first, position);
            forecaster.ObserveForecast(new CacheItemKey(1, 0, 0), second, position);
            return (first.item<float>(), second.item<float>());
        }
    }

    [Fact]
    public void PerHalf_WithoutCfg_IsAMismatch_AndShared_IgnoresTheLayout()
    {
        using var perHalf = Predictor(cfgExperts: LesaCfgExperts.PerHalf);
        using var forecaster = new LesaForecaster(perHalf);
        var error = Assert.Throws<LesaPredictorMismatchException>(() => forecaster.BeginGeneration(Generation()));
        Assert.Contains("without CFG", error.Message, StringComparison.Ordinal);

        // A shared predictor forecasts a batched item with one set, as one history.
        using var shared = Predictor();
        using var plain = new LesaForecaster(shared);
        using var halves = new LesaForecaster(shared);
        plain.BeginGeneration(Generation());
        halves.BeginGeneration(Generation(CfgLayout.BatchedHalves));
        using var features = randn(4, 3);
        plain.Observe(X, features, new StepPosition(0, Times[0], Steps));
        halves.Observe(X, features, new StepPosition(0, Times[0], Steps));
        using var a = plain.Forecast(X, new StepPosition(1, Times[1], Steps));
        using var b = halves.Forecast(X, new StepPosition(1, Times[1], Steps));
        Assert.True(a.eq(b).all().item<bool>());
    }

    [Fact]
    public void TheCfgVariant_IsRecordedInTheFile_AndOldFilesAreShared()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lesa-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var predictor = Predictor(cfgExperts: LesaCfgExperts.PerHalf);
            predictor.Save(path);
            Assert.Equal(LesaCfgExperts.PerHalf, LesaPredictor.ReadInfo(path).CfgExperts);
            Assert.Contains("\"CfgExperts\":\"PerHalf\"", predictor.Info.ToJson(), StringComparison.Ordinal);
            using var loaded = LesaPredictor.Load(path);
            Assert.Equal(predictor.state_dict().Count, loaded.state_dict().Count);
        }
        finally
        {
            File.Delete(path);
        }

        using var shared = Predictor();
        var old = shared.Info.ToJson().Replace(",\"CfgExperts\":\"Shared\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("CfgExperts", old, StringComparison.Ordinal);
        Assert.Equal(LesaCfgExperts.Shared, LesaPredictorInfo.FromJson(old).CfgExperts);
    }

    [Theory]
    [InlineData(1.0, 0)]
    [InlineData(0.9000001, 0)]
    [InlineData(0.9, 1)]
    [InlineData(0.51, 1)]
    [InlineData(0.5, 2)]
    [InlineData(0.0, 2)]
    public void Stages_AreHardRoutedByT(double t, int stage) => Assert.Equal(stage, LesaConfig.Default.StageOf(t));

    [Fact]
    public void Expert_ComputesLastPlusGainTimesMixedHistoryPlusBias()
    {
        using var predictor = Predictor();
        var expert = predictor.Experts[1];
        using (no_grad())
        {
            expert.MixerWeight.copy_(tensor(new float[] { 0.5f, -0.25f, 0, 0, 0, 0, 0, 2 }));
            expert.MixerBias.fill_(0.1);
        }

        using var history = arange(8 * 3, ScalarType.Float32).reshape(8, 3);
        using var gain = tensor(1.5f);
        using var predicted = expert.Predict(history, gain);
        var h = history.data<float>().ToArray();
        var expected = Enumerable.Range(0, 3).Select(c => h[c] + (1.5f * ((0.5f * h[c]) - (0.25f * h[3 + c]) + (2 * h[21 + c]) + 0.1f))).ToArray();
        Assert.Equal(expected, predicted.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-4);
    }

    [Fact]
    public void Gains_OfAllStepsEqualEachStepsStageKanOnItsDeltas()
    {
        using var predictor = Predictor();
        var gains = predictor.Gains();
        for (var s = 0; s < Steps; s++)
        {
            using var _ = no_grad();
            using var deltas = predictor.Deltas(s);
            Assert.Equal(Times[s] - Times[^1], deltas[0, Steps].item<float>(), 6);
            using var gain = predictor.Experts[LesaConfig.Default.StageOf(Times[s])].Gain(deltas);
            Assert.Equal(gain.item<float>(), gains[s], 5);
        }
    }

    [Fact]
    public void Forecaster_FollowsTheRecurrenceWithForecastsInTheHistory()
    {
        // Mixer = first difference, no bias: F^_s = F_{s-1} + g_s (F_{s-1} - F_{s-2}), where the
        // history holds forecasts too. Reproduce it with a plain list as the independent truth.
        using var predictor = Predictor();
        using (no_grad())
        {
            foreach (var expert in predictor.Experts)
            {
                expert.MixerWeight.zero_();
                expert.MixerWeight[0].fill_(1);
                expert.MixerWeight[1].fill_(-1);
                expert.MixerBias.zero_();
            }
        }

        var gains = predictor.Gains();
        var full = LesaPredictor.FullStepsOf(Schedule, Times)!;
        using var forecaster = new LesaForecaster(predictor);
        forecaster.BeginGeneration(Generation());
        var truth = new List<double[]>();
        for (var s = 0; s < Steps; s++)
        {
            var position = new StepPosition(s, Times[s], Steps);
            double[] expected;
            if (full.Contains(s))
            {
                expected = [Math.Sin(s), s * 0.5];
                using var features = tensor(expected.Select(v => (float)v).ToArray(), [1, 2]);
                forecaster.Observe(X, features, position);
            }
            else
            {
                var last = truth[^1];
                var before = truth.Count > 1 ? truth[^2] : truth[^1];
                expected = [.. last.Zip(before, (a, b) => a + (gains[s] * (a - b)))];
                using var forecast = forecaster.Forecast(X, position);
                forecaster.ObserveForecast(X, forecast, position);
                Assert.Equal([1, 2], forecast.shape);
                Assert.Equal(expected, forecast.data<float>().Select(v => (double)v).ToArray(), (a, b) => Math.Abs(a - b) < 1e-4);
            }

            truth.Add(expected);
        }
    }

    [Theory]
    [InlineData(ScalarType.Float32, 1e-4)]
    [InlineData(ScalarType.BFloat16, 0.01)]
    public void Forecaster_WithRandomMixersAndBiases_IsEachHalfsWeightedHistoryPlusBias(ScalarType stateType, double tolerance)
    {
        // Every expert of both sets gets random w (all K taps) and b; the truth is the recurrence
        // F^ = F_{t-1} + g (sum_k w_k F_{t-k} + b) per CFG half in double, where the history holds
        // the forecasts and entries before the first repeat the first.
        using var predictor = Predictor(cfgExperts: LesaCfgExperts.PerHalf);
        using (no_grad())
        {
            var generator = new Generator(17);
            foreach (var expert in predictor.Experts.Concat(predictor.UnconditionalExperts))
            {
                expert.MixerWeight.copy_(randn(expert.MixerWeight.shape, generator: generator).mul_(0.3));
                expert.MixerBias.copy_(randn(expert.MixerBias.shape, generator: generator).mul_(0.1));
            }
        }

        predictor.WeightsChanged();
        var sets = new[] { (Experts: predictor.UnconditionalExperts, Gains: predictor.Gains(unconditional: true)), (Experts: predictor.Experts, Gains: predictor.Gains()) };
        var full = LesaPredictor.FullStepsOf(Schedule, Times)!;
        using var forecaster = new LesaForecaster(predictor, new ForecasterOptions { StateDType = stateType });
        forecaster.BeginGeneration(Generation(CfgLayout.BatchedHalves));
        var histories = new[] { new List<double[]>(), new List<double[]>() };
        var forecasts = 0;
        var live = 0L;
        for (var s = 0; s < Steps; s++)
        {
            var position = new StepPosition(s, Times[s], Steps);
            if (s == 0)
            {
                live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            }

            if (full.Contains(s))
            {
                double[][] computed = [[Math.Sin(s), s * 0.5, 1], [Math.Cos(s), -s * 0.25, 2]];
                using var rows = tensor(computed.SelectMany(r => r.Select(v => (float)v)).ToArray(), [2, 3]);
                forecaster.Observe(X, rows, position);
                histories[0].Add(computed[0]);
                histories[1].Add(computed[1]);
                continue;
            }

            using var forecast = forecaster.Forecast(X, position);
            forecaster.ObserveForecast(X, forecast, position);
            Assert.Equal(ScalarType.Float32, forecast.dtype);
            var values = forecast.data<float>().ToArray();
            for (var half = 0; half < 2; half++)
            {
                var expert = sets[half].Experts[predictor.StageOf(s)];
                var w = expert.MixerWeight.data<float>().ToArray();
                var b = expert.MixerBias.item<float>();
                var h = histories[half];
                var expected = Enumerable.Range(0, 3).Select(c =>
                    h[^1][c] + (sets[half].Gains[s] * (Enumerable.Range(1, w.Length).Sum(k => w[k - 1] * h[Math.Max(0, h.Count - k)][c]) + b))).ToArray();
                Assert.Equal(expected, values.Skip(3 * half).Take(3).Select(v => (double)v).ToArray(), (x, y) => Math.Abs(x - y) <= tolerance * (1 + Math.Abs(x)));
                h.Add(expected);
            }

            forecasts++;
        }

        Assert.True(forecasts >= 6, $"only {forecasts} forecast steps");
        // The history ring is the only tensor left, until the forecaster is reset.
        Assert.Equal(live + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        forecaster.Reset();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Forecaster_WithZeroGainIsPlainReuse()
    {
        using var predictor = Predictor();
        using (no_grad())
        {
            foreach (var parameter in predictor.Experts.SelectMany(e => e.parameters()))
            {
                parameter.zero_();
            }
        }

        using var forecaster = new LesaForecaster(predictor);
        forecaster.BeginGeneration(Generation());
        using var features = randn(2, 3, 4);
        forecaster.Observe(X, features, new StepPosition(0, Times[0], Steps));
        using var forecast = forecaster.Forecast(X, new StepPosition(1, Times[1], Steps));
        Assert.True(forecast.eq(features).all().item<bool>());
    }

    [Fact]
    public void SaveAndLoad_GiveIdenticalForecasts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lesa-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var predictor = Predictor();
            predictor.Save(path);
            using var loaded = LesaPredictor.Load(path);
            Assert.Equal(predictor.Info.ToJson(), loaded.Info.ToJson());
            using var first = Run(predictor);
            using var second = Run(loaded);
            Assert.True(first.eq(second).all().item<bool>());
        }
        finally
        {
            File.Delete(path);
        }

        static Tensor Run(LesaPredictor predictor)
        {
            manual_seed(9);
            using var forecaster = new LesaForecaster(predictor);
            forecaster.BeginGeneration(Generation());
            var outputs = new List<Tensor>();
            var full = LesaPredictor.FullStepsOf(Schedule, Times)!;
            for (var s = 0; s < Steps; s++)
            {
                var position = new StepPosition(s, Times[s], Steps);
                if (full.Contains(s))
                {
                    using var features = randn(2, 5);
                    forecaster.Observe(X, features, position);
                }
                else
                {
                    var forecast = forecaster.Forecast(X, position);
                    forecaster.ObserveForecast(X, forecast, position);
                    outputs.Add(forecast);
                }
            }

            var result = stack(outputs);
            outputs.ForEach(o => o.Dispose());
            return result;
        }
    }

    [Fact]
    public void SavedInFloat16_LoadsAsFloat32WithEveryWeightRoundedToFloat16_InHalfTheDataBytes()
    {
        var full = Path.Combine(Path.GetTempPath(), $"lesa-{Guid.NewGuid():N}.safetensors");
        var half = Path.Combine(Path.GetTempPath(), $"lesa-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var predictor = Predictor(cfgExperts: LesaCfgExperts.PerHalf);
            predictor.Save(full);
            predictor.Save(half, ScalarType.Float16);
            using var loaded = LesaPredictor.Load(half);
            Assert.Equal(predictor.Info.ToJson(), loaded.Info.ToJson());
            var saved = predictor.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var changed = 0;
            foreach (var (name, parameter) in loaded.named_parameters())
            {
                Assert.Equal(ScalarType.Float32, parameter.dtype);
                using var rounded = saved[name].to_type(ScalarType.Float16).to_type(ScalarType.Float32);
                Assert.True(parameter.eq(rounded).all().item<bool>(), name);
                changed += saved[name].eq(parameter).all().item<bool>() ? 0 : 1;
            }

            Assert.True(changed > 0, "rounding to float16 changed no weight: the file was not written in float16");
            // Parameters take 2 bytes an element instead of 4; the grids keep 4 and load exactly.
            var parameterBytes = 4 * predictor.parameters().Sum(p => p.NumberOfElements);
            Assert.Equal(parameterBytes / 2, LesaHiCache.Weights.SafetensorsHeader.Read(full).DataLength - LesaHiCache.Weights.SafetensorsHeader.Read(half).DataLength);
            Assert.NotEmpty(loaded.named_buffers());
            foreach (var (name, buffer) in loaded.named_buffers())
            {
                Assert.True(buffer.eq(predictor.named_buffers().Single(b => b.name == name).buffer).all().item<bool>(), name);
            }

            Assert.Throws<ArgumentException>(() => predictor.Save(half, ScalarType.Int32));
        }
        finally
        {
            File.Delete(full);
            File.Delete(half);
        }
    }

    [Fact]
    public void MismatchedModelStepsTimesOrSchedule_AreClearErrors()
    {
        using var predictor = Predictor();
        var other = Assert.Throws<LesaPredictorMismatchException>(() => predictor.EnsureCompatible("sha256:other", Times, Schedule));
        Assert.Contains("another model", other.Message, StringComparison.Ordinal);

        var steps = new FlowMatchSchedule(Steps + 1, TimestepShift.None, 64).Times;
        var wrongSteps = Assert.Throws<LesaPredictorMismatchException>(() => predictor.EnsureCompatible("sha256:model", steps, Schedule));
        Assert.Contains("13", wrongSteps.Message, StringComparison.Ordinal);

        var shifted = new FlowMatchSchedule(Steps, new StaticShift(3), 64).Times;
        Assert.Throws<LesaPredictorMismatchException>(() => predictor.EnsureCompatible("sha256:model", shifted, Schedule));

        var schedule = Assert.Throws<LesaPredictorMismatchException>(() => predictor.EnsureCompatible("sha256:model", Times, new FixedIntervalSchedule(3, warmup: 1)));
        Assert.Contains("schedule", schedule.Message, StringComparison.Ordinal);

        using var forecaster = new LesaForecaster(predictor);
        Assert.Throws<LesaPredictorMismatchException>(() => forecaster.BeginGeneration(GenerationInfo.Plain(steps)));
        Assert.Throws<InvalidOperationException>(() => forecaster.Observe(X, ones(1), new StepPosition(0, 1, Steps)));

        using var session = new CacheSession(predictor.CacheConfig());
        Assert.Throws<LesaPredictorMismatchException>(() => session.BeginGeneration(steps, 1, CfgLayout.None));
        Assert.Throws<LesaPredictorMismatchException>(() => predictor.CacheConfig(new FixedIntervalSchedule(3, warmup: 1)));
    }

    [Fact]
    public void LoadingAFileWithoutLesaMetadata_IsAFormatError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-lesa-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var weights = ones(3);
            LesaHiCache.Weights.WeightsSaver.Save(new Dictionary<string, Tensor> { ["w"] = weights }, path);
            var error = Assert.Throws<FormatException>(() => LesaPredictor.Load(path));
            Assert.Contains("not a LESA predictor", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FindIn_PicksThePredictorOfTheScheduleAndListsTheOthers()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"lesa-folder-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            using var predictor = Predictor();
            predictor.Save(Path.Combine(folder, "a.safetensors"));
            Assert.Equal(Path.Combine(folder, "a.safetensors"), LesaPredictor.FindIn(folder, "sha256:model", Times, Schedule));
            var error = Assert.Throws<LesaPredictorMismatchException>(() => LesaPredictor.FindIn(folder, "sha256:model", Times, new FixedIntervalSchedule(5)));
            Assert.Contains("a.safetensors", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void FindIn_PrefersTheAskedCfgVariant_ThenTheDefault()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"lesa-folder-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            using var shared = Predictor();
            using var perHalf = Predictor(cfgExperts: LesaCfgExperts.PerHalf);
            var (sharedPath, perHalfPath) = (Path.Combine(folder, "a.safetensors"), Path.Combine(folder, "b.safetensors"));
            shared.Save(sharedPath);
            Assert.Equal(sharedPath, LesaPredictor.FindIn(folder, "sha256:model", Times, Schedule));
            var missing = Assert.Throws<LesaPredictorMismatchException>(() => LesaPredictor.FindIn(folder, "sha256:model", Times, Schedule, LesaCfgExperts.PerHalf));
            Assert.Contains("PerHalf", missing.Message, StringComparison.Ordinal);
            perHalf.Save(perHalfPath);
            Assert.Equal(LesaPredictor.DefaultCfgExperts == LesaCfgExperts.PerHalf ? perHalfPath : sharedPath, LesaPredictor.FindIn(folder, "sha256:model", Times, Schedule));
            Assert.Equal(sharedPath, LesaPredictor.FindIn(folder, "sha256:model", Times, Schedule, LesaCfgExperts.Shared));
            Assert.Equal(perHalfPath, LesaPredictor.FindIn(folder, "sha256:model", Times, Schedule, LesaCfgExperts.PerHalf));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void ModelFingerprint_ChangesWhenTheWeightsChangeAndNotOtherwise()
    {
        using var module = new Layers.LinearLayer(300, 4, ModuleBuild.Cpu);
        var before = ModelFingerprint.Of(module);
        Assert.Equal(before, ModelFingerprint.Of(module));
        using (no_grad())
        {
            module.parameters().First()[0, 0].add_(1e-3);
        }

        Assert.NotEqual(before, ModelFingerprint.Of(module));
    }
}
