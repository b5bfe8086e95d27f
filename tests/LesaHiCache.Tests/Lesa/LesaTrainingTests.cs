using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Evaluation;
using LesaHiCache.Lesa;
using LesaHiCache.Lesa.Training;
using LesaHiCache.Shapes.Lesa;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Lesa;

public sealed class LesaTrainingTests : IDisposable
{
    private static readonly CacheItemKey Hidden = CacheItemKey.Model(0);
    private static readonly (string, long)[] Samples =
    [
        ("a large red circle at the center on a white background", 301),
        ("a small blue square at the top left on a black background", 302),
        ("a large green triangle at the right on a gray background", 303),
        ("a small yellow circle at the bottom on a black background", 304),
    ];

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lesa-train-{Guid.NewGuid():N}");
    private readonly ShapesModel model = ShapesModel.Load(ShapesModel.BundledFolder);

    public void Dispose()
    {
        model.Dispose();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }
    }

    private ShapesLesaHost Host() => new(model, Samples, new ShapesGenerationOptions { Steps = 10 });

    private static LesaTrainingOptions Options(int phase1 = 36, int phase2 = 24) => new()
    {
        Schedule = new FixedIntervalSchedule(3, warmup: 1),
        Config = new LesaConfig { GainWidths = [16] },
        Phase1Steps = phase1,
        Phase2Steps = phase2,
        EpisodesPerStep = 1,
        LearningRate = 3e-3,
        CheckpointEvery = 12,
        ValidationEpisodes = 0,
    };

    [Fact]
    public void Trajectories_RecordEveryStepOfTheUncachedRun_AndReloadFromDisk()
    {
        var host = Host();
        using var data = LesaTrajectories.Collect(host, [0, 1, 2, 3], 2, folder);
        Assert.Equal(2, data.Episodes.Count);
        Assert.Equal(10, data.Steps);
        var features = data.Episodes[0].Features[Hidden];
        Assert.Equal([10, 4, 64, model.Transformer.Config.InnerDim], features.shape); // CFG: [null; text] rows
        Assert.Equal(ScalarType.Float16, features.dtype);

        using var noise = host.InitialNoise([0, 1]);
        Assert.True(noise.eq(data.Episodes[0].Noise).all().item<bool>());

        // Recording computes every step: the output is bit-identical to an uncached generation.
        using var uncached = model.Generate([Samples[0].Item1, Samples[1].Item1], [Samples[0].Item2, Samples[1].Item2], new ShapesGenerationOptions { Steps = 10 });
        Assert.True(uncached.eq(data.Episodes[0].Output).all().item<bool>());

        using var reloaded = LesaTrajectories.Load(folder);
        Assert.Equal(data.Bytes, reloaded.Bytes);
        Assert.True(reloaded.Episodes[1].Features[Hidden].eq(data.Episodes[1].Features[Hidden]).all().item<bool>());
        using var again = LesaTrajectories.Collect(host, [0, 1, 2, 3], 2, folder); // loads, does not re-record
        Assert.True(again.Episodes[0].Features[Hidden].eq(features).all().item<bool>());

        // Episodes recorded under another setup or for other samples are refused, never reused.
        var otherSteps = new ShapesLesaHost(model, Samples, new ShapesGenerationOptions { Steps = 12 });
        Assert.Contains("setup", Assert.Throws<InvalidOperationException>(() => LesaTrajectories.Collect(otherSteps, [0, 1, 2, 3], 2, folder)).Message, StringComparison.Ordinal);
        var otherSeeds = new ShapesLesaHost(model, [.. Samples.Select(s => (s.Item1, s.Item2 + 1))], new ShapesGenerationOptions { Steps = 10 });
        Assert.Throws<InvalidOperationException>(() => LesaTrajectories.Collect(otherSeeds, [0, 1, 2, 3], 2, folder));
    }

    [Theory]
    [InlineData(LesaCfgExperts.Shared)]
    [InlineData(LesaCfgExperts.PerHalf)]
    public void TinyRun_LowersTheLossInBothPhases_AndItsPredictorForecasts(LesaCfgExperts cfgExperts)
    {
        var host = Host();
        using var data = LesaTrajectories.Collect(host, [0, 1, 2, 3], 2, Path.Combine(folder, "trajectories"));
        Assert.All(data.Episodes, e => Assert.Equal(CfgLayout.BatchedHalves, e.Cfg));
        var result = new LesaTrainer(host, Options(phase1: 120, phase2: 96) with { CfgExperts = cfgExperts }).Train(data, Path.Combine(folder, "checkpoint"));
        using var predictor = result.Predictor;
        Assert.Equal(cfgExperts, predictor.Info.CfgExperts);
        if (cfgExperts == LesaCfgExperts.PerHalf)
        {
            // Both sets' mixers started as the same first difference, and each learned from its own half.
            Assert.Contains(predictor.Experts.Zip(predictor.UnconditionalExperts), p => !p.First.MixerWeight.eq(p.Second.MixerWeight).all().item<bool>());
        }

        // Six forecast steps per episode and two episodes: an epoch (each episode once, every
        // forecast step) is 12 steps in both phases; compare the first epoch with the last.
        Assert.Equal(120, result.Phase1Losses.Count);
        Assert.Equal(96, result.Phase2Losses.Count);
        var (first1, last1) = (result.Phase1Losses.Take(12).Average(), result.Phase1Losses.TakeLast(12).Average());
        var (first2, last2) = (result.Phase2Losses.Take(12).Average(), result.Phase2Losses.TakeLast(12).Average());
        Assert.True(last1 < 0.8 * first1, $"phase 1: {first1} -> {last1}");
        Assert.True(last2 < 0.97 * first2, $"phase 2: {first2} -> {last2}");

        using var session = new CacheSession(predictor.CacheConfig());
        using var images = model.Generate([Samples[0].Item1], [Samples[0].Item2], new ShapesGenerationOptions { Steps = 10 }, cache: session);
        Assert.Equal(4, session.Statistics.FullSteps.Count);
        Assert.False(images.isnan().any().item<bool>());
    }

    [Fact]
    public void InterruptedTraining_ResumesToTheSamePredictor()
    {
        var host = Host();
        using var data = LesaTrajectories.Collect(host, [0, 1, 2, 3], 2, Path.Combine(folder, "trajectories"));
        var uninterrupted = new LesaTrainer(host, Options()).Train(data, Path.Combine(folder, "straight"));
        using var straight = uninterrupted.Predictor;

        using var cancel = new CancellationTokenSource();
        var trainer = new LesaTrainer(host, Options());
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(data, Path.Combine(folder, "resumed"), p =>
        {
            if (p.Phase == 2 && p.Step == 3)
            {
                cancel.Cancel();
            }
        }, cancel.Token));
        var resumed = trainer.Train(data, Path.Combine(folder, "resumed"));
        using var predictor = resumed.Predictor;
        // Training is bit-reproducible, so a resume that restored the weights and the optimiser
        // state gives the very same losses and weights.
        Assert.Equal(uninterrupted.Phase1Losses, resumed.Phase1Losses);
        Assert.Equal(uninterrupted.Phase2Losses, resumed.Phase2Losses);
        foreach (var (name, value) in straight.state_dict())
        {
            Assert.True(value.equal(predictor.state_dict()[name]).all().item<bool>(), name);
        }
    }

    [Fact]
    public void HeldOutValidation_ReturnsTheWeightsWithTheLowestClosedLoopLoss()
    {
        var host = Host();
        using var data = LesaTrajectories.Collect(host, [0, 1, 2, 3], 1, Path.Combine(folder, "trajectories"));
        var options = Options(phase1: 24, phase2: 36) with { ValidationEpisodes = 1, ValidateEvery = 12 };
        var result = new LesaTrainer(host, options).Train(data, Path.Combine(folder, "checkpoint"));
        using var predictor = result.Predictor;

        // After phase 1, then every 12 phase-2 steps (two episodes of six forecasts).
        Assert.Equal([(24, 0), (24, 12), (24, 24), (24, 36)], result.Validations.Select(v => (v.Phase1Step, v.Phase2Step)));

        // The returned weights reproduce the best held-out PSNR (recomputed with ImageMetrics on [0, 1] images).
        var held = data.Episodes[^1];
        using var session = new CacheSession(predictor.CacheConfig(options.Schedule));
        using var noise = held.Noise.to(host.Device);
        using var output = host.Generate(held.Samples, noise, session, CancellationToken.None);
        using var images = (output + 1) / 2;
        using var reference = (held.Output + 1) / 2;
        Assert.Equal(result.Validations.Max(v => v.PsnrDb), ImageMetrics.PsnrDb(images, reference).Average(), 4);
    }
}
