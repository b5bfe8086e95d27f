using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Evaluation;
using LesaHiCache.Layers;
using LesaHiCache.Shapes.Evaluation;
using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Shapes;

public class EvaluationTests
{
    [Fact]
    public void MethodSpecs_ParseNamesOptionsAndLevels()
    {
        var methods = MethodSpec.ParseList("none, fora, taylorseer:order=2, hicache:order=2:sigma=0.7:level=model, taylorseer:scheme=ladder:distance=time");
        Assert.True(methods[0].IsReference);
        using var fora = methods[1].Forecaster!();
        using var taylor = (TaylorSeer)methods[2].Forecaster!();
        using var hicache = (HiCache)methods[3].Forecaster!();
        using var ladder = (TaylorSeer)methods[4].Forecaster!();
        Assert.IsType<Fora>(fora);
        Assert.Equal(2, taylor.Order);
        Assert.Equal(0.7, hicache.Sigma);
        Assert.Equal(CacheLevel.Model, methods[3].Level);
        Assert.Equal(CacheLevel.Module, methods[2].Level);
        Assert.Equal(DerivativeScheme.ReferenceLadder, ladder.Options.Scheme);
        Assert.Equal(DistanceUnit.SamplerTime, ladder.Options.Distance);
    }

    [Theory]
    [InlineData("magic", "Unknown method")]
    [InlineData("hicache:sigma=-1", "sigma")]
    [InlineData("taylorseer:order", "key=value")]
    [InlineData("fora:color=red", "color")]
    [InlineData("lesa:level=module", "model level")]
    [InlineData("lesa:sigma=2", "path=FILE")]
    public void BadMethods_AreClearErrors(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => MethodSpec.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void LesaMethod_ParsesWithAndWithoutAPredictorPath()
    {
        var bundled = MethodSpec.Parse("lesa");
        Assert.True(bundled.IsLesa);
        Assert.False(bundled.IsReference);
        Assert.Equal(CacheLevel.Model, bundled.Level);
        Assert.Null(bundled.PredictorPath);
        Assert.Equal("/tmp/p.safetensors", MethodSpec.Parse("lesa:path=/tmp/p.safetensors").PredictorPath);
    }

    [Fact]
    public void ScheduleSpecs_Parse()
    {
        var schedules = ScheduleSpec.ParseList("interval:7:3,interval:10:3:2,budget:8,adaptive:0.1,stages:2:5:9,mask:0;1;5");
        Assert.Equal(7, ((FixedIntervalSchedule)schedules[0].Schedule).Interval);
        Assert.Equal(2, ((FixedIntervalSchedule)schedules[1].Schedule).Tail);
        Assert.Equal(8, ((BudgetSchedule)schedules[2].Schedule).Budget);
        Assert.Equal(0.1, ((AdaptiveSchedule)schedules[3].Schedule).Threshold);
        Assert.Equal([2, 5, 9], ((StageAwareSchedule)schedules[4].Schedule).Intervals);
        Assert.IsType<StepMaskSchedule>(schedules[5].Schedule);
        Assert.Throws<FormatException>(() => ScheduleSpec.Parse("interval:0"));
        Assert.Throws<FormatException>(() => ScheduleSpec.Parse("weekly:3"));
    }

    [Fact]
    public void Evaluator_ComparesEveryRunWithTheReferenceOnTheSamePrompts()
    {
        manual_seed(3);
        using var model = ShapesModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 });
        var evaluator = new Evaluator(model, new EvaluationOptions { Steps = 6, Prompts = 3, Batch = 2, Repeats = 1 });
        var batches = new List<GeneratedBatch>();
        var report = evaluator.Run(
            MethodSpec.ParseList("none,fora,hicache"),
            ScheduleSpec.ParseList("interval:1:0,interval:2:2"),
            onBatch: batches.Add);

        Assert.True(report.Complete);
        Assert.Equal(3, report.Prompts);
        Assert.Equal(4, report.Results.Count);
        var everyStep = report.Results.Where(r => r.Schedule == "interval:1:0").ToList();
        Assert.All(everyStep, r => Assert.Equal(double.PositiveInfinity, r.PsnrDb)); // bit-identical to the reference
        Assert.All(everyStep, r => Assert.Equal(1.0, r.NfeSpeedup));
        var skipping = report.Results.Where(r => r.Schedule == "interval:2:2").ToList();
        Assert.All(skipping, r => Assert.Equal(6.0 / 4, r.NfeSpeedup)); // full steps 0, 1, 2, 4
        Assert.All(skipping, r => Assert.True(double.IsFinite(r.PsnrDb) && r.CacheMib > 0 && r.ForecastMsPerStep > 0));
        Assert.All(report.Results, r => Assert.True(double.IsFinite(r.WallSpeedup) && r.WallSpeedup > 0 && r.SecondsPerImage > 0));
        Assert.All(report.Results, r => Assert.Equal(2, r.Pairs)); // one repeat of two batches
        Assert.All(report.Results, r => Assert.InRange(r.WallSpeedup, r.WallSpeedupP10, r.WallSpeedupP90));
        Assert.Equal(2 * 5, batches.Count); // 2 batches x (reference + 4 runs)
        Assert.Equal(3, batches.Where(b => b.Run == -1).Sum(b => b.Images.Count));
    }

    [Fact]
    public void PairedSpeedup_FlagsAMedianAboveTheNfeBound_AndAWideSpread()
    {
        // Twelve pairs; quantiles by linear interpolation: P10 at rank 1.1, median at 5.5, P90 at 9.9.
        double[] quiet = [4.70, 4.72, 4.74, 4.75, 4.76, 4.77, 4.78, 4.79, 4.80, 4.81, 4.83, 4.85];
        var ok = new PairedSpeedup(quiet, nfeSpeedup: 5);
        Assert.Equal(12, ok.Pairs);
        Assert.Equal((4.77 + 4.78) / 2, ok.Median, 12);
        Assert.Equal(4.72 + (0.1 * 0.02), ok.P10, 12);
        Assert.Equal(4.81 + (0.9 * 0.02), ok.P90, 12);
        Assert.False(ok.Disturbed);
        Assert.Null(ok.DisturbedBecause);

        var aboveBound = new PairedSpeedup([.. quiet.Select(r => r + 0.5)], nfeSpeedup: 5);
        Assert.True(aboveBound.Disturbed);
        Assert.Contains("above the 5.00x NFE bound", aboveBound.DisturbedBecause, StringComparison.Ordinal);

        double[] spread = [2.0, 2.5, 3.0, 4.70, 4.72, 4.74, 4.75, 4.76, 4.77, 4.78, 4.79, 4.80];
        var wide = new PairedSpeedup(spread, nfeSpeedup: 5);
        Assert.True(wide.Median < 5);
        Assert.True(wide.Disturbed);
        Assert.Contains("spread", wide.DisturbedBecause, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_CompareTheDisplayedImages_SoValuesOutsideTheRangeDoNotCount()
    {
        // An output that overshoots [-1, 1] differs from the reference before clamping, not as displayed.
        using var reference = full(1, 3, 4, 4, 1.0f);
        using var overshoot = full(1, 3, 4, 4, 1.0f);
        using (no_grad())
        {
            overshoot[0, 0, 0, 0] = tensor(1.7f);
        }

        using var rawA = (overshoot + 1) / 2;
        using var rawB = (reference + 1) / 2;
        Assert.True(double.IsFinite(ImageMetrics.PsnrDb(rawA, rawB)[0]));
        using var shownA = ShapesModel.ToDisplay(overshoot);
        using var shownB = ShapesModel.ToDisplay(reference);
        Assert.Equal(double.PositiveInfinity, ImageMetrics.PsnrDb(shownA, shownB)[0]);
        // Displayed values are the PNG's 8-bit levels.
        using var mid = full(1, 3, 1, 1, 0.3f);
        using var shownMid = ShapesModel.ToDisplay(mid);
        Assert.Equal(Math.Round(1.3 * 127.5) / 255, shownMid.flatten()[0].item<float>(), 6);
        Assert.Equal(ShapesModel.ToRgb(mid[0])[0] / 255.0, shownMid.flatten()[0].item<float>(), 6);
    }

    [Theory]
    [InlineData(32, 8, 3)]
    [InlineData(64, 8, 2)]
    [InlineData(8, 8, 12)]
    [InlineData(3, 2, 6)]
    public void DefaultRepeats_GiveAtLeastTwelvePairs(int prompts, int batch, int repeats)
    {
        var options = new EvaluationOptions { Prompts = prompts, Batch = batch };
        Assert.Equal(repeats, options.ResolvedRepeats);
        Assert.True(options.ResolvedRepeats * options.Batches >= EvaluationOptions.MinPairs);
        Assert.Equal(5, (options with { Repeats = 5 }).ResolvedRepeats);
    }

    [Fact]
    public void Evaluator_Cancelled_ReportsOnlyCompleteBatches()
    {
        manual_seed(4);
        using var model = ShapesModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 });
        using var cancel = new CancellationTokenSource();
        var report = new Evaluator(model, new EvaluationOptions { Steps = 4, Prompts = 4, Batch = 2, Repeats = 1 }).Run(
            MethodSpec.ParseList("fora"),
            ScheduleSpec.ParseList("interval:2:1"),
            progress: (fraction, _) => { if (fraction >= 0.75) cancel.Cancel(); },
            cancellation: cancel.Token);
        Assert.False(report.Complete);
        Assert.Equal(2, report.Prompts);
        Assert.True(double.IsFinite(report.Results[0].PsnrDb));
    }
}
