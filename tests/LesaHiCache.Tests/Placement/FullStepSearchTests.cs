using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Evaluation;
using LesaHiCache.Layers;
using LesaHiCache.Lesa.Training;
using LesaHiCache.Placement;
using LesaHiCache.Shapes.Lesa;
using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Placement;

public sealed class FullStepSearchTests : IDisposable
{
    private static readonly (string, long)[] Samples =
    [
        ("a large red circle at the center on a white background", 401),
        ("a small blue square at the top left on a black background", 402),
        ("a large green triangle at the right on a gray background", 403),
        ("a small yellow circle at the bottom on a black background", 404),
    ];

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lesa-search-{Guid.NewGuid():N}");
    private readonly ShapesModel model = ShapesModel.Load(ShapesModel.BundledFolder);

    public void Dispose()
    {
        model.Dispose();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }
    }

    private static CacheConfig TaylorSeer(ICacheSchedule schedule) => new() { Level = CacheLevel.Model, Forecaster = () => new TaylorSeer(1), Schedule = schedule };

    /// <summary>Mean PSNR of the cached generations of <paramref name="episodes"/> against freshly generated uncached ones.</summary>
    private static double Psnr(ShapesLesaHost host, LesaTrajectories data, IEnumerable<int> episodes, IReadOnlyList<int> fullSteps)
    {
        var psnr = new List<double>();
        foreach (var episode in episodes.Select(e => data.Episodes[e]))
        {
            using var uncachedSession = new CacheSession(new CacheConfig { Level = CacheLevel.Model, Forecaster = () => new Fora(), Schedule = new FixedIntervalSchedule(1, warmup: 0) });
            using var uncached = host.Generate(episode.Samples, episode.Noise, uncachedSession, default);
            using var session = new CacheSession(TaylorSeer(new StepMaskSchedule(fullSteps)));
            using var cached = host.Generate(episode.Samples, episode.Noise, session, default);
            psnr.AddRange(ImageMetrics.PsnrDb(cached, uncached, 2).Select(db => Math.Min(100, db)));
        }

        return psnr.Average();
    }

    [Fact]
    public void Search_ReportsThePsnrOfItsSets_BeatsEveryFixedStart_AndWritesAScheduleForThisModelOnly()
    {
        var host = new ShapesLesaHost(model, Samples, new ShapesGenerationOptions { Steps = 10 });
        using var data = LesaTrajectories.Collect(host, [0, 1, 2, 3], 1, Path.Combine(folder, "trajectories"));
        var options = new FullStepSearchOptions { Budget = 4, SearchEpisodes = 2, ValidationEpisodes = 1, MaxEvaluations = 25, Moves = [1, 2] };
        var search = new FullStepSearch(host, data, TaylorSeer, options);
        var result = search.Run();

        Assert.Equal(4, result.FullSteps.Count);
        Assert.Equal(0, result.FullSteps[0]);
        Assert.InRange(result.Evaluations, result.Starts, 25);
        // The reported figures are the PSNR of those sets against the uncached outputs (recomputed here from scratch).
        Assert.Equal(Psnr(host, data, [0, 1], result.FullSteps), result.SearchPsnr, 6);
        Assert.Equal(Psnr(host, data, [0, 1], result.Start), result.StartSearchPsnr, 6);
        Assert.Equal(Psnr(host, data, [3], result.FullSteps), result.ValidationPsnr!.Value, 6);
        Assert.True(result.SearchPsnr >= PlacementCandidates.Starts(data.Times, 4).Max(s => Psnr(host, data, [0, 1], s)) - 1e-9);

        var path = Path.Combine(folder, "searched.json");
        ScheduleFile.Save(new SearchedSchedule(search.Describe(result, "taylorseer:order=1", CacheLevel.Model)), path);
        var loaded = ScheduleFile.Load(path);
        Assert.Equal(result.FullSteps, loaded.Info.FullSteps);
        Assert.Contains("closed-loop local search on 2 recorded episodes", loaded.Info.Search, StringComparison.Ordinal);

        // The bundled model generates with it; another model (another fingerprint) is refused before the first step.
        using (var session = new CacheSession(TaylorSeer(loaded)))
        using (var images = model.Generate([Samples[0].Item1], [1], new ShapesGenerationOptions { Steps = 10 }, cache: session))
        {
            Assert.Equal(result.FullSteps, session.Statistics.FullSteps);
        }

        using var other = ShapesModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 });
        using var refused = new CacheSession(TaylorSeer(loaded));
        Assert.Throws<ScheduleMismatchException>(() => other.Generate([Samples[0].Item1], [1], new ShapesGenerationOptions { Steps = 10 }, cache: refused));
        using var wrongSteps = new CacheSession(TaylorSeer(loaded));
        Assert.Throws<ScheduleMismatchException>(() => model.Generate([Samples[0].Item1], [1], new ShapesGenerationOptions { Steps = 12 }, cache: wrongSteps));
    }
}
