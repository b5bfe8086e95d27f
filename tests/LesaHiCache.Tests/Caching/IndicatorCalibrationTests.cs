using LesaHiCache.Caching;
using LesaHiCache.Caching.Indicators;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa;
using LesaHiCache.Shapes.Lesa;
using LesaHiCache.Shapes.Model;

namespace LesaHiCache.Tests.Caching;

/// <summary>Calibration of TeaCache and MagCache: the least-squares fit, the recording of uncached generations, the files and the schedules bound to them.</summary>
public sealed class IndicatorCalibrationTests : IDisposable
{
    private static readonly (string, long)[] Samples =
    [
        ("a large red circle at the center on a white background", 501),
        ("a small blue square at the top left on a black background", 502),
        ("a large green triangle at the right on a gray background", 503),
        ("a small yellow circle at the bottom on a black background", 504),
    ];

    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("lesa-calibration-");
    private readonly ShapesModel model = ShapesModel.Load(ShapesModel.BundledFolder);

    public void Dispose()
    {
        model.Dispose();
        scratch.Delete(recursive: true);
    }

    private ShapesLesaHost Host(int steps = 10) => new(model, Samples, new ShapesGenerationOptions { Steps = steps });

    private IndicatorCalibration Calibration(IndicatorKind kind, IReadOnlyList<double> values, string? fingerprint = null) =>
        new(kind, values, "shapes-flux", fingerprint ?? ModelFingerprint.Of(model.Transformer), "test", 10, "hand-made", "exact");

    [Fact]
    public void PolynomialFit_RecoversAnExactPolynomial_AndGivesTheLinearClosedForm()
    {
        double[] truth = [2, -1, 0.5, 3, -1];
        var x = Enumerable.Range(0, 20).Select(i => i / 19.0).ToArray();
        var y = x.Select(v => new RescalePolynomial(truth).Evaluate(v)).ToArray();
        Assert.All(PolynomialFit.Fit(x, y, 4).Zip(truth), p => Assert.Equal(p.Second, p.First, 8));

        // (0,1), (1,2), (2,2), (3,4): slope Sxy/Sxx = 4.5/5 = 0.9, intercept 2.25 - 0.9 x 1.5 = 0.9.
        var line = PolynomialFit.Fit([0, 1, 2, 3], [1, 2, 2, 4], 1);
        Assert.Equal(0.9, line[0], 12);
        Assert.Equal(0.9, line[1], 12);
        Assert.Throws<ArgumentException>(() => PolynomialFit.Fit([0.1, 0.1, 0.1, 0.2, 0.2, 0.2], [1, 2, 3, 4, 5, 6], 4));
    }

    [Fact]
    public void Recording_MeasuresEveryStepOfEveryGeneration_WithTheChangeTeaCacheDecidesOn()
    {
        var host = Host();
        var recording = IndicatorCalibrator.Record(host, [0, 1, 2, 3], batch: 2);
        Assert.Equal((10, 2), (recording.Steps, recording.Generations));
        Assert.Equal(2 * 9, recording.Observations.Count);
        Assert.Equal([.. Enumerable.Range(1, 9), .. Enumerable.Range(1, 9)], recording.Observations.Select(o => o.Step));
        Assert.All(recording.Observations, o => Assert.True(o.InputChange > 0 && o.OutputChange > 0 && o.MagnitudeRatio > 0 && double.IsFinite(o.MagnitudeRatio)));

        // TeaCache at threshold 0 with the identity rescale computes every step and reports each step's change itself.
        using var session = new CacheSession(new CacheConfig { Level = CacheLevel.Model, Forecaster = () => new LesaHiCache.Caching.Forecasting.Fora(), Schedule = new TeaCacheSchedule(0, new RescalePolynomial([1, 0])) });
        using (var noise = host.InitialNoise([0, 1]))
        using (var output = host.Generate([0, 1], noise, session, default))
        {
        }

        var reported = session.Statistics.IndicatorValues;
        Assert.Equal(Enumerable.Range(1, 8), reported.Select(v => v.Step));
        Assert.All(reported, v => Assert.Equal(recording.Observations[v.Step - 1].InputChange, v.Value, 6));

        // The fit explains the output changes better than their mean does.
        var rescale = IndicatorCalibrator.FitRescale(recording);
        var residual = recording.Observations.Average(o => Math.Pow(rescale.Evaluate(o.InputChange) - o.OutputChange, 2));
        var mean = recording.Observations.Average(o => o.OutputChange);
        Assert.True(residual < recording.Observations.Average(o => Math.Pow(o.OutputChange - mean, 2)));
        var curve = IndicatorCalibrator.MagnitudeCurve(recording).Ratios;
        Assert.Equal(10, curve.Count);
        Assert.Equal(1.0, curve[0]);
        Assert.Equal((recording.Observations[4].MagnitudeRatio + recording.Observations[13].MagnitudeRatio) / 2, curve[5], 12);
    }

    [Fact]
    public void Calibrations_RoundTripThroughTheirFile_AndBindSchedulesToTheirModel()
    {
        var path = Path.Combine(scratch.FullName, "calibration", "teacache.json");
        var calibration = Calibration(IndicatorKind.TeaCache, [1.5, -0.25, 0.125]);
        IndicatorCalibrationFile.Save(calibration, path);
        var loaded = IndicatorCalibrationFile.Load(path);
        Assert.Equal(calibration.Values, loaded.Values);
        Assert.Equal((calibration.Indicator, calibration.ModelFingerprint, calibration.Steps, calibration.Fit), (loaded.Indicator, loaded.ModelFingerprint, loaded.Steps, loaded.Fit));
        Assert.Equal(Path.Combine("m", "calibration", "magcache.json"), IndicatorCalibrationFile.DefaultPath("m", IndicatorKind.MagCache));

        var spec = ScheduleSpec.Parse($"teacache:0.4:{path}");
        var schedule = Assert.IsType<TeaCacheSchedule>(spec.Schedule);
        Assert.Equal(new RescalePolynomial([1.5, -0.25, 0.125]), schedule.Rescale);
        using (var session = new CacheSession(new CacheConfig { Level = CacheLevel.Model, Forecaster = () => new LesaHiCache.Caching.Forecasting.Fora(), Schedule = schedule }))
        using (var images = model.Generate([Samples[0].Item1], [1], new ShapesGenerationOptions { Steps = 8 }, cache: session))
        {
            Assert.Contains(0, session.Statistics.FullSteps);
        }

        var foreign = new TeaCacheSchedule(0.4, Calibration(IndicatorKind.TeaCache, [1.0, 0.0], "sha256:another"));
        using var other = new CacheSession(new CacheConfig { Level = CacheLevel.Model, Forecaster = () => new LesaHiCache.Caching.Forecasting.Fora(), Schedule = foreign });
        var mismatch = Assert.Throws<ScheduleMismatchException>(() => model.Generate([Samples[0].Item1], [1], new ShapesGenerationOptions { Steps = 8 }, cache: other));
        Assert.Contains("fingerprint sha256:another", mismatch.Message, StringComparison.Ordinal);

        var uncalibrated = Assert.IsType<TeaCacheSchedule>(ScheduleSpec.Parse("teacache:0.4").Schedule);
        Assert.False(uncalibrated.IsCalibrated);
        using var bare = new CacheSession(new CacheConfig { Level = CacheLevel.Model, Forecaster = () => new LesaHiCache.Caching.Forecasting.Fora(), Schedule = uncalibrated });
        Assert.Contains("calibrate", Assert.Throws<InvalidOperationException>(() => model.Generate([Samples[0].Item1], [1], cache: bare)).Message, StringComparison.Ordinal);

        var wrongKind = Assert.Throws<FormatException>(() => ScheduleSpec.Parse($"magcache:0.2:5:0.1:{path}"));
        Assert.Contains("holds a TeaCache calibration; magcache needs a MagCache one", wrongKind.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMagCacheCalibration_PlansTheSameStepsAsItsCurve()
    {
        double[] ratios = [1.0, 1.02, 1.03, 0.99, 1.05, 1.0, 1.1, 0.98, 0.97, 0.9];
        var path = Path.Combine(scratch.FullName, "magcache.json");
        IndicatorCalibrationFile.Save(Calibration(IndicatorKind.MagCache, ratios), path);
        var schedule = Assert.IsType<MagCacheSchedule>(ScheduleSpec.Parse($"magcache:0.1:2:0.1:{path}").Schedule);
        var times = Enumerable.Range(0, 11).Select(i => 1.0 - (i / 10.0)).ToList();
        Assert.Equal([0, 3, 5, 6, 9], schedule.FullSteps(times).Order());
        Assert.False(MagCacheSchedule.Uncalibrated().IsCalibrated);
    }

    [Fact]
    public void TheBundledModelsCalibrations_AreForIt_AndPlanWithTheReferenceDefaults()
    {
        var fingerprint = ModelFingerprint.Of(model.Transformer);
        var tea = IndicatorCalibrationFile.Load(IndicatorCalibrationFile.DefaultPath(ShapesModel.BundledFolder, IndicatorKind.TeaCache));
        var mag = IndicatorCalibrationFile.Load(IndicatorCalibrationFile.DefaultPath(ShapesModel.BundledFolder, IndicatorKind.MagCache));
        Assert.Equal((IndicatorKind.TeaCache, fingerprint, 50, IndicatorCalibrator.RescaleDegree + 1), (tea.Indicator, tea.ModelFingerprint, tea.Steps, tea.Values.Count));
        Assert.Equal((IndicatorKind.MagCache, fingerprint, 50, 50, 1.0), (mag.Indicator, mag.ModelFingerprint, mag.Steps, mag.Values.Count, mag.Values[0]));
        var times = new LesaHiCache.Sampling.FlowMatchSchedule(50, new ShapesGenerationOptions().Shift, ShapesModel.TokensPerSide * ShapesModel.TokensPerSide).Times;
        Assert.InRange(new MagCacheSchedule(mag).FullSteps(times).Count, 6, 49);
        Assert.InRange(tea.Rescale.Evaluate(0.05), 0, 1);
    }

    [Theory]
    [InlineData("{\"format\": \"lesa-hicache-schedule\", \"version\": 1}", "is not a calibration file")]
    [InlineData("null", "empty (JSON null)")]
    [InlineData("{\"format\": \"lesa-hicache-calibration\", \"version\": 2}", "has version 2")]
    [InlineData("{\"format\": \"lesa-hicache-calibration\", \"version\": 1, \"indicator\": \"teacache\", \"modelFingerprint\": \"x\"}", "lacks indicator, values or modelFingerprint")]
    [InlineData("{\"format\": \"lesa-hicache-calibration\", \"version\": 1, \"indicator\": \"magcache\", \"values\": [1.0, 0.9], \"modelFingerprint\": \"x\", \"steps\": 3}", "one positive ratio per step (3)")]
    [InlineData("{\"format\": \"lesa-hicache-calibration\", \"version\": 1, \"indicator\": \"fastcache\"}", "not valid JSON")]
    [InlineData("{\"format\": ", "not valid JSON")]
    public void MalformedCalibrationFiles_FailNamingTheFileAndTheProblem(string json, string expected)
    {
        var path = Path.Combine(scratch.FullName, "bad.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<FormatException>(() => IndicatorCalibrationFile.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOversizedCalibrationFile_IsRefusedBeforeReading()
    {
        var path = Path.Combine(scratch.FullName, "big.json");
        using (var file = File.Create(path))
        {
            file.SetLength(IndicatorCalibrationFile.MaxBytes + 1);
        }

        Assert.Contains("at most", Assert.Throws<FormatException>(() => IndicatorCalibrationFile.Load(path)).Message, StringComparison.Ordinal);
    }
}
