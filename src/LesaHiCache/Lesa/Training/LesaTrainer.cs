using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Evaluation;
using LesaHiCache.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// Trains a <see cref="LesaPredictor"/> on recorded trajectories in two phases (docs/algorithms.md,
/// section 6). Phase 1 runs no transformer: on each would-be forecast step it predicts from the
/// ground-truth history. Phase 2 runs the host's real sampler with the schedule, forecasting with
/// the predictor on the forecast steps (the drifted latents feed the full steps), against the
/// uncached features of the same noise. One optimiser step per forecast step. Checkpoints
/// (predictor, optimiser, losses) go to a folder and a rerun resumes from them.
/// </summary>
public sealed class LesaTrainer
{
    private const string PredictorFile = "predictor.safetensors";
    private const string OptimizerFile = "optimizer.bin";
    private const string StateFile = "state.json";
    private const string BestFile = "best.safetensors";
    private const int LogEvery = 100;
    private const int LossWindow = 100;
    private const double MaxPsnrDb = 100;

    private readonly ILesaTrainingHost host;
    private readonly LesaTrainingOptions options;
    private readonly ILogger logger;

    /// <summary>Creates a trainer for <paramref name="host"/>'s model.</summary>
    public LesaTrainer(ILesaTrainingHost host, LesaTrainingOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.host = host;
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Trains on <paramref name="data"/>, checkpointing into <paramref name="checkpointFolder"/>
    /// (resumed when it holds a checkpoint of the same setup). The caller disposes the returned predictor.
    /// </summary>
    public LesaTrainingResult Train(LesaTrajectories data, string checkpointFolder, Action<LesaTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(checkpointFolder);
        if (data.ModelFingerprint != host.ModelFingerprint)
        {
            throw new InvalidOperationException($"The trajectories come from another model ({data.ModelFingerprint}) than the host's ({host.ModelFingerprint}).");
        }

        var fullSteps = LesaPredictor.FullStepsOf(options.Schedule, data.Times)!;
        var forecastSteps = Enumerable.Range(0, data.Steps).Where(s => !fullSteps.Contains(s)).ToArray();
        if (forecastSteps.Length == 0)
        {
            throw new ArgumentException($"The schedule {options.Schedule.Name} computes every step: nothing to forecast.");
        }

        if (!fullSteps.Contains(0))
        {
            throw new ArgumentException($"The schedule {options.Schedule.Name} does not compute step 0 fully.");
        }

        var info = new LesaPredictorInfo
        {
            ModelFingerprint = data.ModelFingerprint,
            ModelName = host.ModelName,
            Steps = data.Steps,
            Times = data.Times,
            Schedule = options.Schedule.Name,
            FullSteps = fullSteps,
            Config = options.Config,
            CfgExperts = options.CfgExperts,
        };

        if (data.Episodes.Count <= options.ValidationEpisodes)
        {
            throw new ArgumentException($"{data.Episodes.Count} episodes leave none for training after {options.ValidationEpisodes} validation episodes.", nameof(data));
        }

        var training = data.Episodes.Take(data.Episodes.Count - options.ValidationEpisodes).ToList();
        var validation = data.Episodes.Skip(training.Count).ToList();
        Directory.CreateDirectory(checkpointFolder);
        manual_seed(options.Seed);
        var predictor = new LesaPredictor(info, new ModuleBuild(host.Device, ScalarType.Float32));
        try
        {
            var parameters = predictor.parameters().ToList();
            using var optimizer = optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay);
            var state = Resume(predictor, optimizer, checkpointFolder);
            LesaTrainingLog.Starting(logger, parameters.Sum(p => p.NumberOfElements), predictor.Experts.Count, data.SampleCount, data.Episodes.Count, data.Bytes / 1e6, options.Schedule.Name, forecastSteps.Length, data.Steps, host.Device.ToString());
            var clock = Stopwatch.StartNew();
            var wallBefore = state.WallSeconds;

            void Learn(Tensor loss, int phase, int step)
            {
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = LearningRate(step);
                }

                // As PyTorch's zero_grad(set_to_none=True): an expert without a gradient in this step
                // (another stage's) is skipped by AdamW instead of drifting on its moments.
                predictor.zero_grad(set_to_none: true);
                loss.backward();
                nn.utils.clip_grad_norm_(parameters, options.GradientClip);
                optimizer.step();
                predictor.WeightsChanged();
                var value = loss.item<float>();
                var losses = phase == 1 ? state.Phase1Losses : state.Phase2Losses;
                losses.Add(value);
                var total = phase == 1 ? options.Phase1Steps : Phase2Total(forecastSteps.Length);
                progress?.Invoke(new LesaTrainingProgress(phase, step + 1, total, Recent(losses)));
                if ((step + 1) % LogEvery == 0)
                {
                    LesaTrainingLog.Progress(logger, phase, step + 1, total, Recent(losses), LearningRate(step));
                }
            }

            var saved = (state.Phase1Step, state.Phase2Step);
            void Checkpoint()
            {
                saved = (state.Phase1Step, state.Phase2Step);
                state.WallSeconds = wallBefore + clock.Elapsed.TotalSeconds;
                SaveCheckpoint(checkpointFolder, predictor, optimizer, state);
            }

            // The held-out episodes' output PSNR with the predictor forecasting; the best weights so far are kept in best.safetensors.
            void Validate()
            {
                if (validation.Count == 0 || state.Validations.Any(v => v.Phase1Step == state.Phase1Step && v.Phase2Step == state.Phase2Step))
                {
                    return;
                }

                var psnr = ValidationPsnr(predictor, validation, cancellation);
                state.Validations.Add(new ValidationPoint(state.Phase1Step, state.Phase2Step, psnr));
                LesaTrainingLog.Validation(logger, state.Phase1Step, state.Phase2Step, psnr);
                if (state.Validations.Max(v => v.PsnrDb) == psnr)
                {
                    predictor.Save(Path.Combine(checkpointFolder, BestFile));
                }
            }

            while (state.Phase1Step < options.Phase1Steps)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var loss = Phase1Loss(predictor, training, forecastSteps, state.Phase1Step);
                Learn(loss, 1, state.Phase1Step);
                state.Phase1Step++;
                if (state.Phase1Step % options.CheckpointEvery == 0)
                {
                    Checkpoint();
                }
            }

            Validate();
            var phase2Total = Phase2Total(forecastSteps.Length);
            while (state.Phase2Step < phase2Total)
            {
                cancellation.ThrowIfCancellationRequested();
                var episode = training[EpisodeOrder(training.Count, state.Phase2Step / forecastSteps.Length / training.Count)[state.Phase2Step / forecastSteps.Length % training.Count]];
                var before = state.Phase2Step;
                var step = state.Phase2Step;
                using (var forecaster = new ClosedLoopForecaster(predictor, episode, host.Device, loss => Learn(loss, 2, step++)))
                {
                    var config = new CacheConfig { Level = LesaForecaster.Level, Forecaster = () => forecaster, Schedule = options.Schedule };
                    using var session = new CacheSession(config);
                    using var noise = episode.Noise.to(host.Device);
                    using var output = host.Generate(episode.Samples, noise, session, cancellation);
                }

                if (step - before != forecastSteps.Length)
                {
                    throw new InvalidOperationException($"Phase 2 expected {forecastSteps.Length} forecast steps per episode, the sampler made {step - before}: the host must sample with the trajectories' times.");
                }

                state.Phase2Step = step;
                if (state.Phase2Step / options.ValidateEvery > before / options.ValidateEvery || state.Phase2Step == phase2Total)
                {
                    Validate();
                }

                if (state.Phase2Step / options.CheckpointEvery > before / options.CheckpointEvery)
                {
                    Checkpoint();
                }
            }

            Validate();
            var best = state.Validations.Count == 0 ? null : state.Validations.MaxBy(v => v.PsnrDb);
            if (best is not null && (best.Phase1Step, best.Phase2Step) != (state.Phase1Step, state.Phase2Step))
            {
                CopyWeights(Path.Combine(checkpointFolder, BestFile), predictor);
            }

            if (saved != (state.Phase1Step, state.Phase2Step))
            {
                Checkpoint();
            }

            var phase1 = Ends(state.Phase1Losses, LossWindow);
            var phase2 = Ends(state.Phase2Losses, forecastSteps.Length);
            var kept = best is null ? "the final weights" : string.Create(CultureInfo.InvariantCulture, $"the weights after phase 1 step {best.Phase1Step}, phase 2 step {best.Phase2Step} (held-out output PSNR {best.PsnrDb:F2} dB on {validation.Count} episodes; after phase 1 {state.Validations[0].PsnrDb:F2} dB, final {state.Validations[^1].PsnrDb:F2} dB)");
            predictor.DescribeTraining(string.Create(
                CultureInfo.InvariantCulture,
                $"{data.SampleCount} samples in {data.Episodes.Count} episodes ({data.Bytes / 1e6:F0} MB float16, {training.Count} for training); phase 1: {state.Phase1Step} steps, L1 {phase1.First:F5} -> {phase1.Last:F5}; phase 2: {state.Phase2Step} steps, L1 {phase2.First:F5} -> {phase2.Last:F5}; kept {kept}; lr {options.LearningRate}; {state.WallSeconds / 60:F1} min on {host.Device}"));
            LesaTrainingLog.Done(logger, state.WallSeconds / 60, phase1.First, phase1.Last, phase2.First, phase2.Last);
            return new LesaTrainingResult(predictor, phase1, phase2, TimeSpan.FromSeconds(state.WallSeconds), state.Phase1Losses, state.Phase2Losses, state.Validations);
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }

    private int Phase2Total(int forecastSteps) => (options.Phase2Steps + forecastSteps - 1) / forecastSteps * forecastSteps;

    /// <summary>StepLR within a phase.</summary>
    private double LearningRate(int phaseStep) => options.LearningRate * Math.Pow(options.LearningRateGamma, phaseStep / options.LearningRateStepSize);

    /// <summary>Mean PSNR (dB, peak-to-peak range of the host) of the held-out episodes' outputs with the predictor forecasting against their uncached outputs.</summary>
    private double ValidationPsnr(LesaPredictor predictor, List<LesaEpisode> episodes, CancellationToken cancellation)
    {
        var psnr = new List<double>();
        foreach (var episode in episodes)
        {
            using var session = new CacheSession(new CacheConfig { Level = LesaForecaster.Level, Forecaster = () => new LesaForecaster(predictor), Schedule = options.Schedule });
            using var noise = episode.Noise.to(host.Device);
            using var output = host.Generate(episode.Samples, noise, session, cancellation);
            using var reference = episode.Output.to(output.device);
            psnr.AddRange(ImageMetrics.PsnrDb(output, reference, host.OutputRange).Select(db => Math.Min(MaxPsnrDb, db)));
        }

        return psnr.Average();
    }

    private static void CopyWeights(string path, LesaPredictor predictor)
    {
        Weights.WeightsLoader.Load(predictor, path);
        predictor.WeightsChanged();
    }

    private Tensor Phase1Loss(LesaPredictor predictor, List<LesaEpisode> episodes, int[] forecastSteps, int step)
    {
        var groups = (episodes.Count + options.EpisodesPerStep - 1) / options.EpisodesPerStep;
        var perEpoch = groups * forecastSteps.Length;
        var epoch = step / perEpoch;
        var within = step % perEpoch;
        var group = within / forecastSteps.Length;
        var s = forecastSteps[within % forecastSteps.Length];
        var chosen = EpisodeOrder(episodes.Count, epoch).Skip(group * options.EpisodesPerStep).Take(options.EpisodesPerStep).Select(e => episodes[e]).ToList();
        using var indices = tensor(Enumerable.Range(1, predictor.ExpertOf(s).History).Select(k => (long)Math.Max(s - k, 0)).ToArray());
        // The rows of every item, grouped by the expert set that forecasts them (one group for a shared predictor).
        var parts = chosen
            .SelectMany(e => e.Features.SelectMany(f => LesaRowsOf.Split(f.Value, LesaRowsOf.Item(predictor.Info.CfgExperts, e.Cfg, f.Key.Branch), dim: 1)))
            .ToList();
        var predictions = new List<Tensor>();
        var targets = new List<Tensor>();
        foreach (var set in parts.GroupBy(p => p.Unconditional))
        {
            var history = cat(set.Select(p => p.Part.index_select(0, indices)).ToList(), 1).to(host.Device).to_type(ScalarType.Float32);
            targets.Add(cat(set.Select(p => p.Part[s]).ToList(), 0).to(host.Device).to_type(ScalarType.Float32));
            predictions.Add(predictor.ExpertOf(s, set.Key).Predict(history, predictor.Gain(s, set.Key)));
        }

        return nn.functional.l1_loss(cat(predictions, 0), cat(targets, 0));
    }

    private int[] EpisodeOrder(int episodes, int epoch)
    {
        var order = Enumerable.Range(0, episodes).ToArray();
        new Random(HashSeed(options.Seed, epoch)).Shuffle(order);
        return order;
    }

    private static int HashSeed(int seed, int epoch) => unchecked((seed * 1_000_003) + epoch);

    private static double Recent(List<float> losses) => losses.Count == 0 ? double.NaN : losses.TakeLast(LossWindow).Average();

    private static (double First, double Last) Ends(List<float> losses, int window) =>
        losses.Count == 0 ? (double.NaN, double.NaN) : (losses.Take(window).Average(), losses.TakeLast(window).Average());

    private TrainingState Resume(LesaPredictor predictor, TorchSharp.Modules.AdamW optimizer, string folder)
    {
        var statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
        {
            return new TrainingState { Setup = Setup(predictor) };
        }

        var state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(statePath)) ?? throw new FormatException($"'{statePath}' is empty.");
        if (state.Setup != Setup(predictor))
        {
            throw new InvalidOperationException($"'{folder}' holds a checkpoint of another LESA setup (model, times, schedule, shape or options): use another folder or delete it.");
        }

        CopyWeights(Path.Combine(folder, PredictorFile), predictor);
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        LesaTrainingLog.Resuming(logger, state.Phase1Step, state.Phase2Step, folder);
        return state;
    }

    private void SaveCheckpoint(string folder, LesaPredictor predictor, TorchSharp.Modules.AdamW optimizer, TrainingState state)
    {
        predictor.Save(Path.Combine(folder, PredictorFile));
        optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
        Weights.AtomicFile.WriteAllBytes(Path.Combine(folder, StateFile), JsonSerializer.SerializeToUtf8Bytes(state));
        LesaTrainingLog.Checkpoint(logger, state.Phase1Step, state.Phase2Step, folder);
    }

    private string Setup(LesaPredictor predictor) =>
        predictor.Info.ToJson() + JsonSerializer.Serialize(options, SetupJson);

    private static readonly JsonSerializerOptions SetupJson = new() { IgnoreReadOnlyProperties = true };

    private sealed class TrainingState
    {
        public string Setup { get; set; } = "";

        public int Phase1Step { get; set; }

        public int Phase2Step { get; set; }

        public double WallSeconds { get; set; }

        public List<float> Phase1Losses { get; set; } = [];

        public List<float> Phase2Losses { get; set; } = [];

        public List<ValidationPoint> Validations { get; set; } = [];
    }
}
