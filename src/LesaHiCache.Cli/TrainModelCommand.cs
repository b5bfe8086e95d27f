using System.CommandLine;
using System.Globalization;
using LesaHiCache.Models.HunyuanVideo;
using LesaHiCache.Shapes.Training;
using LesaHiCache.Shapes.Video;
using static TorchSharp.torch;

namespace LesaHiCache.Cli;

/// <summary><c>train-model</c>: rectified-flow training of the bundled shapes model (resumable).</summary>
internal static class TrainModelCommand
{
    public static Command Create()
    {
        var defaults = new ShapesTrainingOptions();
        var output = new Option<string>("--output") { Description = "Folder for the model, loss.csv and checkpoint/ (rerun to resume).", Required = true };
        var steps = new Option<int?>("--steps") { Description = $"Optimizer steps (default: {defaults.Steps}; with --video {ShapesVideoTrainer.DefaultSteps})." };
        var batch = new Option<int?>("--batch") { Description = $"Images per step, or clips with --video (default: {defaults.BatchSize}; with --video {ShapesVideoTrainer.DefaultBatchSize})." };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var dataSeed = new Option<int>("--data-seed") { Description = "Seed of the training data stream.", DefaultValueFactory = _ => defaults.DataSeed };
        var twoObjectShare = new Option<double>("--two-object-share") { Description = "Share of training prompts with two objects.", DefaultValueFactory = _ => defaults.TwoObjectShare };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => defaults.CheckpointEvery };
        var threads = new Option<int>("--threads") { Description = "Torch threads (0: default).", DefaultValueFactory = _ => 0 };
        var video = new Option<bool>("--video") { Description = "Train the text-to-video model (8-frame clips, HunyuanVideo architecture; --batch counts clips) instead of the image model." };
        var stillShare = new Option<double>("--still-share") { Description = "With --video: share of still objects in the training prompts.", DefaultValueFactory = _ => defaults.StillShare };
        var videoDefaults = ShapesVideoModel.DefaultTransformerConfig;
        var width = new Option<int?>("--width") { Description = $"With --video: the transformer's width, a multiple of its {videoDefaults.AttentionHeadDim}-channel heads (default: {videoDefaults.InnerDim})." };
        var textTokens = new Option<string>("--text-tokens") { Description = "With --video: the text tokens the transformer sees: all (the words, then one token per object and the background) or segments (only those per-object tokens, about 1.4x cheaper per clip).", DefaultValueFactory = _ => "all" };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => cuda.is_available() ? "cuda" : "cpu" };
        var command = new Command("train-model", "Train the bundled shapes text-to-image model, or with --video the text-to-video model (rectified flow, EMA, resumable checkpoints).")
        {
            output, steps, batch, lr, dataSeed, twoObjectShare, checkpointEvery, threads, video, stillShare, width, textTokens, device,
        };
        command.SetAction(parse =>
        {
            var isVideo = parse.GetValue(video);
            var options = defaults with
            {
                Steps = parse.GetValue(steps) ?? (isVideo ? ShapesVideoTrainer.DefaultSteps : defaults.Steps),
                BatchSize = parse.GetValue(batch) ?? (isVideo ? ShapesVideoTrainer.DefaultBatchSize : defaults.BatchSize),
                LearningRate = parse.GetValue(lr),
                DataSeed = parse.GetValue(dataSeed),
                TwoObjectShare = parse.GetValue(twoObjectShare),
                StillShare = parse.GetValue(stillShare),
                CheckpointEvery = parse.GetValue(checkpointEvery),
                Threads = parse.GetValue(threads),
            };
            var transformer = VideoTransformer(parse.GetValue(width), isVideo, videoDefaults);
            var segmentTokensOnly = SegmentTokensOnly(parse.GetValue(textTokens)!, isVideo);
            CliChecks.WritableFolder(parse.GetValue(output), "--output");
            CliChecks.AtLeast(options.Steps, 1, "--steps");
            CliChecks.AtLeast(options.BatchSize, 1, "--batch");
            CliChecks.AtLeast(options.CheckpointEvery, 1, "--checkpoint-every");
            CliChecks.AtLeast(options.Threads, 0, "--threads");
            CliChecks.Share(options.TwoObjectShare, "--two-object-share");
            CliChecks.Share(options.StillShare, "--still-share");
            var targetDevice = CliChecks.Device(parse.GetValue(device)!, "--device");
            using var loggers = CliLogging.Create();
            var logger = loggers.CreateLogger("train-model");
            Func<string, Device, IProgress<TrainingProgress>, CancellationToken, TrainingResult> train = isVideo
                ? new ShapesVideoTrainer(options, logger, transformer, segmentTokensOnly).Train
                : new ShapesTrainer(options, logger).Train;
            return Run(train, parse.GetValue(output)!, targetDevice, isVideo ? "clips" : "images");
        });
        return command;
    }

    /// <summary>Whether <c>--text-tokens</c> asks for the per-object tokens only, or a usage error naming the option.</summary>
    private static bool SegmentTokensOnly(string value, bool isVideo) => value switch
    {
        "all" => false,
        "segments" when isVideo => true,
        "segments" => throw new UsageException("--text-tokens segments sets the video model's text side: it needs --video."),
        _ => throw new UsageException($"--text-tokens must be all or segments, got '{value}'."),
    };

    /// <summary>The video transformer of <c>--width</c> (null: the default), or a usage error naming the option.</summary>
    private static HunyuanVideoTransformerConfig? VideoTransformer(int? width, bool isVideo, HunyuanVideoTransformerConfig defaults)
    {
        if (width is not { } channels)
        {
            return null;
        }

        if (!isVideo)
        {
            throw new UsageException("--width sets the video transformer's width: it needs --video.");
        }

        if (channels < defaults.AttentionHeadDim || channels % defaults.AttentionHeadDim != 0)
        {
            throw new UsageException($"--width must be a positive multiple of the heads' {defaults.AttentionHeadDim} channels, got {channels}.");
        }

        return defaults with { NumAttentionHeads = channels / defaults.AttentionHeadDim };
    }

    private static int Run(Func<string, Device, IProgress<TrainingProgress>, CancellationToken, TrainingResult> train, string output, Device device, string items)
    {
        using var cancel = CliLogging.CancelOnCtrlC();
        try
        {
            var result = CliLogging.WithProgress($"training ({items})", report => train(
                output,
                device,
                new SyncProgress<TrainingProgress>(p => report((double)p.Step / p.TotalSteps, string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{p.TotalSteps} loss {p.Loss:F4}"))),
                cancel.Token));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained {result.Steps} steps in {result.WallTime.TotalMinutes:F1} min; final loss {result.FinalLoss:F4}; model in {result.ModelFolder}"));
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped; rerun the same command to resume from the checkpoint.");
            return ExitCodes.Stopped;
        }
    }
}
