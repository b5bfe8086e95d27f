using LesaHiCache.Models.Flux;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Training;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Shapes;

public sealed class ShapesTrainingTests : IDisposable
{
    private static readonly FluxTransformerConfig TinyTransformer = ShapesModel.DefaultTransformerConfig with
    {
        NumLayers = 1,
        NumSingleLayers = 1,
        NumAttentionHeads = 1,
        AttentionHeadDim = 32,
        AxesDimsRope = [8, 12, 12],
    };

    private static readonly ShapesTrainingOptions Tiny = new()
    {
        Steps = 40,
        BatchSize = 8,
        LearningRate = 2e-3,
        WarmupSteps = 5,
        LogEvery = 10,
        CheckpointEvery = 1000,
        Transformer = TinyTransformer,
    };

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("lesa-train-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public void ShortRun_LowersTheLoss_AndExportsALoadableDeterministicModel()
    {
        var folder = Path.Combine(root.FullName, "model");
        var result = new ShapesTrainer(Tiny, NullLogger.Instance).Train(folder);

        Assert.Equal(40, result.Steps);
        Assert.Equal(4, result.Losses.Count);
        Assert.True(result.Losses[^1].Loss < 0.8 * result.Losses[0].Loss, $"loss {result.Losses[0].Loss:F3} -> {result.Losses[^1].Loss:F3}");

        using var model = ShapesModel.Load(folder);
        var options = new ShapesGenerationOptions { Steps = 4 };
        using var first = model.Generate(["a small red circle at the top on a white background"], [3], options);
        using var second = model.Generate(["a small red circle at the top on a white background"], [3], options);
        Assert.Equal(new long[] { 1, 3, 32, 32 }, first.shape);
        Assert.True(first.eq(second).all().item<bool>());
    }

    [Fact]
    public void ResumedRun_EndsBitIdenticalToAnUninterruptedOne()
    {
        var straight = Path.Combine(root.FullName, "straight");
        var resumed = Path.Combine(root.FullName, "resumed");
        var options = Tiny with { Steps = 12, LogEvery = 3 };
        new ShapesTrainer(options, NullLogger.Instance).Train(straight);
        using var cancel = new CancellationTokenSource();
        var stopAtSix = new Progress(p => { if (p.Step == 6) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => new ShapesTrainer(options, NullLogger.Instance).Train(resumed, progress: stopAtSix, cancellation: cancel.Token));
        var result = new ShapesTrainer(options, NullLogger.Instance).Train(resumed);
        Assert.Equal([3, 6, 9, 12], result.Losses.Select(l => l.Step));

        using var a = ShapesModel.Load(straight);
        using var b = ShapesModel.Load(resumed);
        var expected = a.StateDict();
        Assert.All(b.StateDict(), kv => Assert.True(kv.Value.eq(expected[kv.Key]).all().item<bool>(), kv.Key));
    }

    [Fact]
    public void AVideoCheckpoint_ResumesOnlyWithTheTextTokensItWasStartedWith()
    {
        var folder = Path.Combine(root.FullName, "video");
        var tinyVideo = LesaHiCache.Shapes.Video.ShapesVideoModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 };
        var options = new ShapesTrainingOptions { Steps = 2, BatchSize = 2, WarmupSteps = 1, LogEvery = 1, CheckpointEvery = 1 };
        new ShapesVideoTrainer(options, NullLogger.Instance, tinyVideo).Train(folder);
        var checkpointConfig = Path.Combine(folder, "checkpoint", "text_encoder.json");
        Assert.Contains("\"segment_tokens_only\": false", File.ReadAllText(checkpointConfig), StringComparison.Ordinal);

        var longer = options with { Steps = 3 };
        var error = Assert.Throws<InvalidOperationException>(() => new ShapesVideoTrainer(longer, NullLogger.Instance, tinyVideo, segmentTokensOnly: true).Train(folder));
        Assert.StartsWith($"{checkpointConfig}: the checkpoint's text encoder differs from this run's", error.Message, StringComparison.Ordinal);

        // The same config written another way (compact, without the defaulted flag) is the same text side.
        var compact = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(checkpointConfig))!.AsObject();
        Assert.True(compact.Remove("segment_tokens_only"));
        File.WriteAllText(checkpointConfig, compact.ToJsonString());
        Assert.Equal(3, new ShapesVideoTrainer(longer, NullLogger.Instance, tinyVideo).Train(folder).Steps);
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Fact]
    public void Generate_RejectsBadPromptsBeforeComputing()
    {
        using var model = ShapesModel.Create(new LesaHiCache.Layers.ModuleBuild(CPU, ScalarType.Float32), TinyTransformer);
        Assert.Throws<LesaHiCache.Shapes.Task.PromptException>(() => model.Generate(["a tiny red circle at the top on a white background"], [1]));
        Assert.Throws<ArgumentException>(() => model.Generate(["a small red circle at the top on a white background"], [1, 2]));
    }
}
