using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
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
        var evaluator = new Evaluator(model, new EvaluationOptions { Steps = 6, Prompts = 3, Batch = 2 });
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
        Assert.Equal(2 * 5, batches.Count); // 2 batches x (reference + 4 runs)
        Assert.Equal(3, batches.Where(b => b.Run == -1).Sum(b => b.Images.Count));
    }

    [Fact]
    public void Evaluator_Cancelled_ReportsOnlyCompleteBatches()
    {
        manual_seed(4);
        using var model = ShapesModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 });
        using var cancel = new CancellationTokenSource();
        var report = new Evaluator(model, new EvaluationOptions { Steps = 4, Prompts = 4, Batch = 2 }).Run(
            MethodSpec.ParseList("fora"),
            ScheduleSpec.ParseList("interval:2:1"),
            progress: (fraction, _) => { if (fraction >= 0.75) cancel.Cancel(); },
            cancellation: cancel.Token);
        Assert.False(report.Complete);
        Assert.Equal(2, report.Prompts);
        Assert.True(double.IsFinite(report.Results[0].PsnrDb));
    }
}
