using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LesaHiCache.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// Trains a <see cref="LesaPredictor"/> on recorded trajectories in two phases (docs/algorithms.md,
/// section 6): <see cref="TeacherForcedPhase"/> (no transformer; predictions from the ground-truth
/// history) and <see cref="ClosedLoopPhase"/> (the host's real sampler with the schedule, the
/// predictor forecasting, against the uncached features of the same noise), one optimiser step per
/// forecast step, validated on held-out episodes (<see cref="HeldOutValidation"/>). Checkpoints
/// (<see cref="LesaCheckpoint"/>) go to a folder and a rerun resumes from them.
/// </summary>
public sealed class LesaTrainer
{
    private const int LogEvery = 100;
    private const int LossWindow = 100;
    private const long NoCollectionBudget = 64L << 20;

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
        var (info, forecastSteps) = Describe(data);
        var training = data.Episodes.Take(data.Episodes.Count - options.ValidationEpisodes).ToList();
        var validation = new HeldOutValidation(host, data.Episodes.Skip(training.Count).ToList(), options.Schedule);
        Directory.CreateDirectory(checkpointFolder);
        var checkpoint = new LesaCheckpoint(checkpointFolder, logger);
        manual_seed(options.Seed);
        var predictor = new LesaPredictor(info, new ModuleBuild(host.Device, ScalarType.Float32));
        try
        {
            var parameters = predictor.parameters().ToList();
            using var optimizer = optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay);
            var state = checkpoint.Resume(predictor, optimizer, Setup(predictor));
            LesaTrainingLog.Starting(logger, parameters.Sum(p => p.NumberOfElements), predictor.Experts.Count, data.SampleCount, data.Episodes.Count, data.Bytes / 1e6, options.Schedule.Name, forecastSteps.Length, data.Steps, host.Device.ToString());
            var clock = Stopwatch.StartNew();
            var wallBefore = state.WallSeconds;
            var phase1 = new TeacherForcedPhase(predictor, training, forecastSteps, options, host.Device);
            var phase2 = new ClosedLoopPhase(host, predictor, training, forecastSteps.Length, options);

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
                WithoutCollection(() =>
                {
                    nn.utils.clip_grad_norm_(parameters, options.GradientClip);
                    optimizer.step();
                });
                predictor.WeightsChanged();
                var value = loss.item<float>();
                var losses = phase == 1 ? state.Phase1Losses : state.Phase2Losses;
                losses.Add(value);
                var total = phase == 1 ? options.Phase1Steps : phase2.Total;
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
                checkpoint.Save(predictor, optimizer, state);
            }

            // The held-out episodes' output PSNR with the predictor forecasting; the best weights so far are kept.
            void Validate()
            {
                if (!validation.Any || state.Validations.Any(v => v.Phase1Step == state.Phase1Step && v.Phase2Step == state.Phase2Step))
                {
                    return;
                }

                var psnr = validation.Psnr(predictor, cancellation);
                state.Validations.Add(new ValidationPoint(state.Phase1Step, state.Phase2Step, psnr));
                LesaTrainingLog.Validation(logger, state.Phase1Step, state.Phase2Step, psnr);
                if (state.Validations.Max(v => v.PsnrDb) == psnr)
                {
                    checkpoint.SaveBest(predictor);
                }
            }

            while (state.Phase1Step < options.Phase1Steps)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                Learn(phase1.Loss(state.Phase1Step), 1, state.Phase1Step);
                state.Phase1Step++;
                if (state.Phase1Step % options.CheckpointEvery == 0)
                {
                    Checkpoint();
                }
            }

            Validate();
            while (state.Phase2Step < phase2.Total)
            {
                cancellation.ThrowIfCancellationRequested();
                var before = state.Phase2Step;
                state.Phase2Step = phase2.RunEpisode(before, (loss, step) => Learn(loss, 2, step), cancellation);
                if (state.Phase2Step / options.ValidateEvery > before / options.ValidateEvery || state.Phase2Step == phase2.Total)
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
                checkpoint.RestoreBest(predictor);
            }

            if (saved != (state.Phase1Step, state.Phase2Step))
            {
                Checkpoint();
            }

            return Finish(predictor, data, training.Count, validation.Count, forecastSteps.Length, state, best);
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }

    /// <summary>The predictor's description and the schedule's forecast steps; throws before any work on data that cannot train it.</summary>
    private (LesaPredictorInfo Info, int[] ForecastSteps) Describe(LesaTrajectories data)
    {
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

        if (data.Episodes.Count <= options.ValidationEpisodes)
        {
            throw new ArgumentException($"{data.Episodes.Count} episodes leave none for training after {options.ValidationEpisodes} validation episodes.", nameof(data));
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
        return (info, forecastSteps);
    }

    /// <summary>Writes the training description into the predictor and makes the result.</summary>
    private LesaTrainingResult Finish(LesaPredictor predictor, LesaTrajectories data, int trainingEpisodes, int validationEpisodes, int forecastSteps, LesaTrainingState state, ValidationPoint? best)
    {
        var phase1 = Ends(state.Phase1Losses, LossWindow);
        var phase2 = Ends(state.Phase2Losses, forecastSteps);
        var kept = best is null ? "the final weights" : string.Create(CultureInfo.InvariantCulture, $"the weights after phase 1 step {best.Phase1Step}, phase 2 step {best.Phase2Step} (held-out output PSNR {best.PsnrDb:F2} dB on {validationEpisodes} episodes; after phase 1 {state.Validations[0].PsnrDb:F2} dB, final {state.Validations[^1].PsnrDb:F2} dB)");
        predictor.DescribeTraining(string.Create(
            CultureInfo.InvariantCulture,
            $"{data.SampleCount} samples in {data.Episodes.Count} episodes ({data.Bytes / 1e6:F0} MB float16, {trainingEpisodes} for training); phase 1: {state.Phase1Step} steps, L1 {phase1.First:F5} -> {phase1.Last:F5}; phase 2: {state.Phase2Step} steps, L1 {phase2.First:F5} -> {phase2.Last:F5}; kept {kept}; lr {options.LearningRate}; {state.WallSeconds / 60:F1} min on {host.Device}"));
        LesaTrainingLog.Done(logger, state.WallSeconds / 60, phase1.First, phase1.Last, phase2.First, phase2.Last);
        return new LesaTrainingResult(predictor, phase1, phase2, TimeSpan.FromSeconds(state.WallSeconds), state.Phase1Losses, state.Phase2Losses, state.Validations);
    }

    /// <summary>
    /// Runs <paramref name="action"/> with garbage collection held off (a no-GC region of
    /// <see cref="NoCollectionBudget"/> bytes). TorchSharp 0.107's optimiser and gradient clipping make
    /// Scalars implicitly for each call; a collection during the native call can finalize one while
    /// libtorch reads it (a "toFloat" assert that failed one test run in about six).
    /// </summary>
    private static void WithoutCollection(Action action)
    {
        bool held;
        try
        {
            held = GC.TryStartNoGCRegion(NoCollectionBudget);
        }
        catch (InvalidOperationException)
        {
            held = false; // already in a no-GC region
        }

        try
        {
            action();
        }
        finally
        {
            if (held && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }

    /// <summary>StepLR within a phase.</summary>
    private double LearningRate(int phaseStep) => options.LearningRate * Math.Pow(options.LearningRateGamma, phaseStep / options.LearningRateStepSize);

    private static double Recent(List<float> losses) => losses.Count == 0 ? double.NaN : losses.TakeLast(LossWindow).Average();

    private static (double First, double Last) Ends(List<float> losses, int window) =>
        losses.Count == 0 ? (double.NaN, double.NaN) : (losses.Take(window).Average(), losses.TakeLast(window).Average());

    private string Setup(LesaPredictor predictor) =>
        predictor.Info.ToJson() + JsonSerializer.Serialize(options, SetupJson);

    private static readonly JsonSerializerOptions SetupJson = new() { IgnoreReadOnlyProperties = true };
}
