using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LesaHiCache.Layers;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Weights;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Training;

/// <summary>
/// Rectified-flow training of a shapes model (text encoder and transformer jointly):
/// x_t = (1 - t) x_0 + t noise, loss = |model(x_t, t, text) - (noise - x_0)|^2, AdamW with warm-up
/// and cosine decay, gradient clipping, conditioning dropout, EMA weights. Checkpoints in
/// <c>{output}/checkpoint</c> make a rerun with the same output folder resume where it stopped.
/// </summary>
/// <param name="options">The loop's settings.</param>
/// <param name="logger">Progress and checkpoint messages.</param>
/// <param name="create">Builds the model to train (initialised) or its EMA twin (uninitialised).</param>
/// <param name="draw">The clean data of one step from its seed: prompts and packed tokens on the CPU.</param>
internal sealed class RectifiedFlowTrainer(ShapesTrainingOptions options, ILogger logger, Func<ModuleBuild, IFlowTrainee> create, Func<int, TrainingData> draw)
{
    private const string CheckpointFolderName = "checkpoint";
    private const string TextEncoderConfigFile = "text_encoder.json";

    /// <summary>Trains (or resumes) and exports the EMA model to <paramref name="outputFolder"/>.</summary>
    public TrainingResult Train(string outputFolder, Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        device ??= CPU;
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }

        var checkpoint = new CheckpointFolder(Path.Combine(outputFolder, CheckpointFolderName));
        checkpoint.Recover();
        manual_seed(options.InitSeed);
        using var model = create(new ModuleBuild(device, ScalarType.Float32));
        using var ema = create(new ModuleBuild(device, ScalarType.Float32, Initialize: false));
        var parameters = model.StateDict();
        var emaParameters = ema.StateDict();
        var trainable = model.Trainable.ToList();
        using var optimizer = optim.AdamW(trainable, options.LearningRate, weight_decay: options.WeightDecay);
        var state = TrainingState.Load(checkpoint.Path);
        if (state is null)
        {
            CopyInto(emaParameters, parameters);
            state = new TrainingState();
            TrainingLog.Starting(logger, model.TransformerParameters, model.TextEncoderParameters, options.Steps, options.BatchSize, device.ToString());
        }
        else
        {
            EnsureSameTextEncoder(checkpoint.Path, model);
            WeightsLoader.Load(parameters, Path.Combine(checkpoint.Path, "model.safetensors"));
            WeightsLoader.Load(emaParameters, Path.Combine(checkpoint.Path, "ema.safetensors"));
            optimizer.load_state_dict(Path.Combine(checkpoint.Path, "optimizer.bin"));
            TrainingLog.Resuming(logger, state.Step, options.Steps, checkpoint.Path);
        }

        var clock = Stopwatch.StartNew();
        var startStep = state.Step;
        var window = new List<double>();
        model.SetTraining(true);
        try
        {
            while (state.Step < options.Steps)
            {
                cancellation.ThrowIfCancellationRequested();
                var loss = TrainStep(model, optimizer, trainable, state.Step, device);
                UpdateEma(emaParameters, parameters, state.Step);
                state.Step++;
                window.Add(loss);
                if (state.Step % options.LogEvery == 0 || state.Step == options.Steps)
                {
                    var mean = window.Average();
                    window.Clear();
                    state.Losses.Add((state.Step, mean));
                    var done = state.Step - startStep;
                    var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / done * (options.Steps - state.Step));
                    var imagesPerSecond = done * options.BatchSize / clock.Elapsed.TotalSeconds;
                    TrainingLog.Progress(logger, state.Step, options.Steps, mean, LearningRate(state.Step - 1), imagesPerSecond, eta.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
                    progress?.Report(new TrainingProgress(state.Step, options.Steps, mean, imagesPerSecond, eta));
                }

                if (state.Step % options.CheckpointEvery == 0 && state.Step < options.Steps)
                {
                    SaveCheckpoint(checkpoint, model, ema, optimizer, state, clock.Elapsed);
                    clock.Restart();
                    startStep = state.Step;
                }
            }
        }
        catch (OperationCanceledException)
        {
            SaveCheckpoint(checkpoint, model, ema, optimizer, state, clock.Elapsed);
            TrainingLog.Cancelled(logger, state.Step);
            throw;
        }

        state.WallSeconds += clock.Elapsed.TotalSeconds;
        SaveCheckpoint(checkpoint, model, ema, optimizer, state, TimeSpan.Zero);
        ema.SetTraining(false);
        ema.Save(outputFolder);
        WriteLossCsv(Path.Combine(outputFolder, "loss.csv"), state.Losses);
        var final = state.Losses.Count > 0 ? state.Losses[^1].Loss : double.NaN;
        File.WriteAllText(Path.Combine(outputFolder, "training.json"), JsonSerializer.Serialize(
            new TrainingRecord(state.Step, final, state.WallSeconds, get_num_threads(), device.ToString(), options), TrainingRecord.JsonOptions));
        TrainingLog.Done(logger, state.Step, final, state.WallSeconds / 60, outputFolder);
        return new TrainingResult(outputFolder, state.Step, final, TimeSpan.FromSeconds(state.WallSeconds), state.Losses);
    }

    private double TrainStep(IFlowTrainee model, TorchSharp.Modules.AdamW optimizer, List<TorchSharp.Modules.Parameter> trainable, int step, Device device)
    {
        using var scope = NewDisposeScope();
        using var batch = TrainingBatch.Create(options.DataSeed, step, options.ConditioningDropout, draw, device);
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = LearningRate(step);
        }

        optimizer.zero_grad();
        var t = batch.Times.view(-1, 1, 1);
        var noisy = (1 - t) * batch.Images + t * batch.Noise;
        var target = batch.Noise - batch.Images;
        var prediction = model.Velocity(noisy, batch.Prompts, batch.Times);
        var loss = nn.functional.mse_loss(prediction, target);
        loss.backward();
        nn.utils.clip_grad_norm_(trainable, options.GradientClip);
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Linear warm-up to the peak, then cosine decay to 10% of it.</summary>
    private double LearningRate(int step)
    {
        if (step < options.WarmupSteps)
        {
            return options.LearningRate * (step + 1) / options.WarmupSteps;
        }

        var progress = (double)(step - options.WarmupSteps) / Math.Max(1, options.Steps - options.WarmupSteps);
        return options.LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    private void UpdateEma(Dictionary<string, Tensor> ema, Dictionary<string, Tensor> current, int step)
    {
        var decay = Math.Min(options.EmaDecay, (1.0 + step) / (10.0 + step));
        using var _ = no_grad();
        foreach (var (key, value) in current)
        {
            ema[key].mul_(decay).add_(value, alpha: 1 - decay);
        }
    }

    private static void CopyInto(Dictionary<string, Tensor> target, Dictionary<string, Tensor> source)
    {
        using var _ = no_grad();
        foreach (var (key, value) in source)
        {
            target[key].copy_(value);
        }
    }

    /// <summary>
    /// Refuses to resume a checkpoint of another text side (checkpoints written before this file existed
    /// are taken as they are). The configs are compared as parsed, so a field added later with its
    /// default does not count as a difference.
    /// </summary>
    private static void EnsureSameTextEncoder(string checkpointPath, IFlowTrainee model)
    {
        var path = Path.Combine(checkpointPath, TextEncoderConfigFile);
        if (File.Exists(path) && ShapesTextEncoderConfig.Parse(File.ReadAllText(path), path).ToJson() != model.TextEncoderConfigJson)
        {
            throw new InvalidOperationException($"{path}: the checkpoint's text encoder differs from this run's (e.g. --text-tokens); resume with the options the run was started with, or train into another --output.");
        }
    }

    private void SaveCheckpoint(CheckpointFolder checkpoint, IFlowTrainee model, IFlowTrainee ema, TorchSharp.Modules.AdamW optimizer, TrainingState state, TimeSpan elapsed)
    {
        state.WallSeconds += elapsed.TotalSeconds;
        checkpoint.Write(folder =>
        {
            WeightsSaver.Save(model.StateDict(), Path.Combine(folder, "model.safetensors"));
            WeightsSaver.Save(ema.StateDict(), Path.Combine(folder, "ema.safetensors"));
            optimizer.save_state_dict(Path.Combine(folder, "optimizer.bin"));
            File.WriteAllText(Path.Combine(folder, TextEncoderConfigFile), model.TextEncoderConfigJson);
            state.Save(folder);
        });
        TrainingLog.Checkpoint(logger, state.Step, checkpoint.Path);
    }

    private static void WriteLossCsv(string path, IEnumerable<(int Step, double Loss)> losses) =>
        File.WriteAllLines(path, losses.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Step},{l.Loss:R}")).Prepend("step,loss"));

    /// <summary>What the exported model folder records about its training (training.json).</summary>
    internal sealed record TrainingRecord(int Steps, double FinalLoss, double WallSeconds, int Threads, string Device, ShapesTrainingOptions Options)
    {
        public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = true };
    }

    /// <summary>What a checkpoint remembers besides tensors.</summary>
    private sealed class TrainingState
    {
        public int Step { get; set; }

        public double WallSeconds { get; set; }

        public List<(int Step, double Loss)> Losses { get; } = [];

        public static TrainingState? Load(string folder)
        {
            var path = Path.Combine(folder, "state.json");
            if (!File.Exists(path))
            {
                return null;
            }

            var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllText(path)) ?? throw new FormatException($"{path}: empty training state.");
            var state = new TrainingState { Step = saved.Step, WallSeconds = saved.WallSeconds };
            state.Losses.AddRange(saved.LossSteps.Zip(saved.Losses));
            return state;
        }

        public void Save(string folder) => File.WriteAllText(
            Path.Combine(folder, "state.json"),
            JsonSerializer.Serialize(new Saved(Step, WallSeconds, Losses.Select(l => l.Step).ToArray(), Losses.Select(l => l.Loss).ToArray())));

        private sealed record Saved(int Step, double WallSeconds, int[] LossSteps, double[] Losses);
    }
}
