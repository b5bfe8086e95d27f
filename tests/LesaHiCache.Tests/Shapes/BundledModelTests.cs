using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching;
using LesaHiCache.Lesa;
using LesaHiCache.Sampling;
using LesaHiCache.Evaluation;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Tests.Shapes;

public class BundledModelTests
{
    private static readonly string[] Prompts =
    [
        "a large red circle at the center on a white background",
        "a small blue square at the top left and a large yellow triangle at the bottom right on a black background",
        "a large green square at the left on a gray background",
        "a small purple circle at the top right on a white background",
    ];

    [Fact]
    public void BundledWeights_LoadAndGenerateFaithfulImages()
    {
        using var model = ShapesModel.Load(ShapesModel.BundledFolder);
        using var images = model.Generate(Prompts, [11, 12, 13, 14]);
        var scores = Prompts.Select((p, i) => FidelityScorer.Score(ShapesModel.ToRgb(images[i]), ScenePrompt.Parse(p)).Score).ToList();
        Assert.True(scores.Average() >= 0.8, $"fidelity {string.Join(", ", scores.Select(s => s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void SamePromptAndSeed_GiveBitIdenticalImages()
    {
        using var model = ShapesModel.Load(ShapesModel.BundledFolder);
        using var first = model.Generate([Prompts[1]], [5]);
        using var second = model.Generate([Prompts[1]], [5]);
        Assert.True(first.eq(second).all().item<bool>());
    }

    [Fact]
    public void DefaultCaching_StaysCloseToTheUncachedImages()
    {
        using var model = ShapesModel.Load(ShapesModel.BundledFolder);
        using var reference = model.Generate(Prompts, [1, 2, 3, 4]);
        using var session = new CacheSession(CacheConfig.Default);
        using var cached = model.Generate(Prompts, [1, 2, 3, 4], cache: session);
        Assert.Equal(10, session.Statistics.FullSteps.Count);
        var psnr = ImageMetrics.PsnrDb((cached + 1) / 2, (reference + 1) / 2);
        Assert.True(psnr.Average() >= 20, $"PSNR {psnr.Average():F1} dB");
    }

    [Theory]
    [InlineData("lesa-5x", 10, null)]
    [InlineData("lesa-6.25x", 8, null)]
    [InlineData("interval:7:3", 10, null)]
    [InlineData("interval:10:3", 8, null)]
    [InlineData("lesa-5x", 10, LesaCfgExperts.PerHalf)]
    public void ShippedLesaPredictors_MatchTheBundledModelAndStayCloseToTheUncachedImages(string scheduleName, int fullSteps, LesaCfgExperts? cfgExperts)
    {
        using var model = ShapesModel.Load(ShapesModel.BundledFolder);
        var schedule = ScheduleSpec.Parse(scheduleName).Schedule;
        var times = new FlowMatchSchedule(50, TimestepShift.FluxDynamic, ShapesModel.TokensPerSide * ShapesModel.TokensPerSide).Times;
        var path = LesaPredictor.FindIn(ShapesModel.BundledLesaFolder, ModelFingerprint.Of(model.Transformer), times, schedule, cfgExperts);
        using var predictor = LesaPredictor.Load(path);
        Assert.Equal(fullSteps, predictor.Info.FullSteps!.Count);
        Assert.Equal(cfgExperts ?? LesaPredictor.DefaultCfgExperts, predictor.Info.CfgExperts);

        AssertAbove30DbWith(model, predictor.CacheConfig(schedule), fullSteps);

        // The same predictor under another timestep shift (other sampler times) is refused before any forecast.
        using var other = new CacheSession(predictor.CacheConfig());
        Assert.Throws<LesaPredictorMismatchException>(() => model.Generate(Prompts, [1, 2, 3, 4], new ShapesGenerationOptions { Shift = TimestepShift.None }, cache: other));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(8)]
    public void ShippedSearchedSchedules_FindTheirLesaPredictors_AndKeepTheImagesAbove30Db(int budget)
    {
        using var model = ShapesModel.Load(ShapesModel.BundledFolder);
        var file = Path.Combine(ShapesModel.BundledFolder, "schedules", $"taylorseer2-{budget}of50.json");
        var schedule = ScheduleSpec.Parse($"file:{file}").Schedule;
        var times = new FlowMatchSchedule(50, TimestepShift.FluxDynamic, ShapesModel.TokensPerSide * ShapesModel.TokensPerSide).Times;
        var path = LesaPredictor.FindIn(ShapesModel.BundledLesaFolder, ModelFingerprint.Of(model.Transformer), times, schedule);
        Assert.EndsWith($"taylorseer2-{budget}of50.per-half.safetensors", path, StringComparison.Ordinal);
        using var predictor = LesaPredictor.Load(path);

        AssertAbove30DbWith(model, predictor.CacheConfig(schedule), budget);
    }

    /// <summary>Generates the test prompts uncached and with <paramref name="config"/>: the cached run has <paramref name="fullSteps"/> full steps and a mean PSNR of at least 30 dB.</summary>
    private static void AssertAbove30DbWith(ShapesModel model, CacheConfig config, int fullSteps)
    {
        using var reference = model.Generate(Prompts, [1, 2, 3, 4]);
        using var session = new CacheSession(config);
        using var cached = model.Generate(Prompts, [1, 2, 3, 4], cache: session);
        Assert.Equal(fullSteps, session.Statistics.FullSteps.Count);
        var psnr = ImageMetrics.PsnrDb((cached + 1) / 2, (reference + 1) / 2);
        Assert.True(psnr.Average() >= 30, $"PSNR {psnr.Average():F1} dB");
    }
}
