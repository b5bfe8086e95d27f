using System.CommandLine;
using System.Globalization;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Lesa;
using LesaHiCache.Lesa.Training;
using LesaHiCache.Shapes.Evaluation;
using LesaHiCache.Shapes.Lesa;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

namespace LesaHiCache.Cli;

/// <summary><c>train-lesa</c>: records uncached trajectories of the shapes model and trains a LESA predictor for one schedule (resumable).</summary>
internal static class TrainLesaCommand
{
    public static Command Create()
    {
        var training = new LesaTrainingOptions { Schedule = new Caching.Schedules.FixedIntervalSchedule(7, warmup: 3) };
        var evaluation = new EvaluationOptions();
        var model = new Option<string?>("--model") { Description = "A shapes model folder, image or video (default: the bundled image model)." };
        var output = new Option<string>("--output") { Description = "The predictor file to write (.safetensors).", Required = true };
        var work = new Option<string?>("--work") { Description = "Folder for trajectories/ and checkpoint/ (default: <output>.work); rerun to resume." };
        var trajectories = new Option<string?>("--trajectories") { Description = "Trajectory folder (default: <work>/trajectories); share it between predictors of one model and sampler." };
        var schedule = new Option<string>("--schedule") { Description = $"The caching schedule the predictor is for (its full steps must be known ahead):{Environment.NewLine}{CacheMethods.ScheduleHelp()}", DefaultValueFactory = _ => "interval:7:3" };
        var steps = new Option<int>("--steps") { Description = "Sampler steps.", DefaultValueFactory = _ => evaluation.Steps };
        var guidance = new Option<double>("--guidance") { Description = "CFG scale.", DefaultValueFactory = _ => evaluation.GuidanceScale };
        var prompts = new Option<int>("--prompts") { Description = "Training prompts.", DefaultValueFactory = _ => 100 };
        var seedsPerPrompt = new Option<int>("--seeds-per-prompt") { Description = "Noise seeds per training prompt.", DefaultValueFactory = _ => 3 };
        var promptSeed = new Option<int>("--prompt-seed") { Description = "Grammar seed of the training prompts.", DefaultValueFactory = _ => 4242 };
        var noiseSeed = new Option<long>("--noise-seed") { Description = "First noise seed of the training samples.", DefaultValueFactory = _ => 100_000 };
        var excludePromptSeed = new Option<int>("--exclude-prompt-seed") { Description = "Grammar seed of the evaluation prompts kept out of training.", DefaultValueFactory = _ => evaluation.PromptSeed };
        var excludePrompts = new Option<int>("--exclude-prompts") { Description = "How many evaluation prompts to keep out.", DefaultValueFactory = _ => 256 };
        var episode = new Option<int>("--episode") { Description = "Samples per recorded generation (episode).", DefaultValueFactory = _ => 12 };
        var phase1 = new Option<int>("--phase1-steps") { Description = "Phase 1 (ground-truth history) optimizer steps.", DefaultValueFactory = _ => training.Phase1Steps };
        var phase2 = new Option<int>("--phase2-steps") { Description = "Phase 2 (closed loop) optimizer steps, rounded up to whole episodes.", DefaultValueFactory = _ => training.Phase2Steps };
        var episodesPerStep = new Option<int>("--episodes-per-step") { Description = "Episodes batched into one phase-1 step.", DefaultValueFactory = _ => training.EpisodesPerStep };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => training.LearningRate };
        var validationEpisodes = new Option<int>("--validation-episodes") { Description = "Recorded episodes held out to pick the best weights in the closed loop (0: keep the final weights).", DefaultValueFactory = _ => training.ValidationEpisodes };
        var seed = new Option<int>("--seed") { Description = "Seed of the initialisation and episode order.", DefaultValueFactory = _ => training.Seed };
        var cfgExperts = new Option<string>("--cfg-experts") { Description = "shared: one expert set for every CFG row; per-half: separate experts for the unconditional and conditional rows.", DefaultValueFactory = _ => training.CfgExperts == LesaCfgExperts.PerHalf ? "per-half" : "shared" };
        cfgExperts.AcceptOnlyFromAmong("shared", "per-half");
        var weightsDtype = new Option<string>("--weights-dtype") { Description = "dtype of the weights in the written file (float16 halves it; loading converts to float32).", DefaultValueFactory = _ => "float32" };
        weightsDtype.AcceptOnlyFromAmong("float32", "float16", "bfloat16");
        var threads = new Option<int>("--threads") { Description = "Torch threads (0: default).", DefaultValueFactory = _ => 0 };
        var command = new Command("train-lesa", "Train a LESA predictor for a shapes model (image or video) and one schedule: record uncached trajectories, then phase 1 (ground-truth history) and phase 2 (closed loop).")
        {
            model, output, work, trajectories, schedule, steps, guidance, prompts, seedsPerPrompt, promptSeed, noiseSeed, excludePromptSeed, excludePrompts, episode, phase1, phase2, episodesPerStep, lr, validationEpisodes, seed, cfgExperts, weightsDtype, threads,
        };
        command.SetAction(parse =>
        {
            var outputPath = Path.GetFullPath(parse.GetValue(output)!);
            var workFolder = parse.GetValue(work) ?? outputPath + ".work";
            var modelFolder = parse.GetValue(model) ?? ShapesModel.BundledFolder;
            CliChecks.ShapesModelFolder(modelFolder, parse.GetValue(model) is null ? "the bundled model" : "--model");
            CliChecks.WritableFile(outputPath, "--output");
            CliChecks.WritableFolder(workFolder, "--work");
            CliChecks.WritableFolder(parse.GetValue(trajectories), "--trajectories");
            foreach (var (value, minimum, name) in new[] { (parse.GetValue(steps), 1, "--steps"), (parse.GetValue(prompts), 1, "--prompts"), (parse.GetValue(seedsPerPrompt), 1, "--seeds-per-prompt"), (parse.GetValue(episode), 1, "--episode"), (parse.GetValue(phase1), 0, "--phase1-steps"), (parse.GetValue(phase2), 0, "--phase2-steps"), (parse.GetValue(episodesPerStep), 1, "--episodes-per-step"), (parse.GetValue(validationEpisodes), 0, "--validation-episodes"), (parse.GetValue(excludePrompts), 0, "--exclude-prompts"), (parse.GetValue(threads), 0, "--threads") })
            {
                CliChecks.AtLeast(value, minimum, name);
            }

            ScheduleSpec scheduleSpec;
            try
            {
                scheduleSpec = ScheduleSpec.Parse(parse.GetValue(schedule)!);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--schedule: {e.Message}", e);
            }

            var options = training with
            {
                Schedule = scheduleSpec.Schedule,
                Phase1Steps = parse.GetValue(phase1),
                Phase2Steps = parse.GetValue(phase2),
                EpisodesPerStep = parse.GetValue(episodesPerStep),
                LearningRate = parse.GetValue(lr),
                ValidationEpisodes = parse.GetValue(validationEpisodes),
                Seed = parse.GetValue(seed),
                CfgExperts = parse.GetValue(cfgExperts) == "per-half" ? LesaCfgExperts.PerHalf : LesaCfgExperts.Shared,
            };
            if (parse.GetValue(threads) > 0)
            {
                set_num_threads(parse.GetValue(threads));
            }

            var data = new DataChoice(parse.GetValue(prompts), parse.GetValue(seedsPerPrompt), parse.GetValue(promptSeed), parse.GetValue(noiseSeed), parse.GetValue(excludePromptSeed), parse.GetValue(excludePrompts), parse.GetValue(episode), parse.GetValue(trajectories) ?? Path.Combine(workFolder, "trajectories"));
            var generation = new ShapesGenerationOptions { Steps = parse.GetValue(steps), GuidanceScale = parse.GetValue(guidance) };
            var fileDtype = parse.GetValue(weightsDtype) switch
            {
                "float16" => ScalarType.Float16,
                "bfloat16" => ScalarType.BFloat16,
                _ => ScalarType.Float32,
            };
            return Run(modelFolder, outputPath, workFolder, options, data, generation, fileDtype);
        });
        return command;
    }

    private static int Run(string modelFolder, string output, string work, LesaTrainingOptions options, DataChoice data, ShapesGenerationOptions generation, ScalarType fileDtype)
    {
        using var loggers = CliLogging.Create();
        var logger = loggers.CreateLogger("train-lesa");
        using var cancel = CliLogging.CancelOnCtrlC();
        using var model = ShapesTaskModels.Load(modelFolder, cuda.is_available() ? CUDA : CPU);
        var excluded = model.Prompts(data.ExcludedSeed).Take(data.ExcludedCount).ToHashSet(StringComparer.Ordinal);
        var host = ShapesLesaHost.ForTraining(model, data.Prompts, data.SeedsPerPrompt, data.PromptSeed, data.NoiseSeed, excluded, generation);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var trajectories = CliLogging.WithProgress("recording trajectories", report => LesaTrajectories.Collect(
                host,
                [.. Enumerable.Range(0, host.SampleCount)],
                data.Episode,
                data.Folder,
                (done, total) =>
                {
                    report((double)done / total, string.Create(CultureInfo.InvariantCulture, $"episode {done}/{total}"));
                    if (!CliLogging.Interactive)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trajectory episode {done}/{total}"));
                    }
                },
                cancel.Token));
            var recording = clock.Elapsed;
            var trainer = new LesaTrainer(host, options, logger);
            var result = CliLogging.WithProgress("training", report => trainer.Train(
                trajectories,
                Path.Combine(work, "checkpoint"),
                p =>
                {
                    var phaseShare = options.Phase1Steps + options.Phase2Steps == 0 ? 1.0 : (double)options.Phase1Steps / (options.Phase1Steps + options.Phase2Steps);
                    var fraction = p.Phase == 1 ? phaseShare * p.Step / p.Steps : phaseShare + ((1 - phaseShare) * p.Step / p.Steps);
                    report(fraction, string.Create(CultureInfo.InvariantCulture, $"phase {p.Phase} step {p.Step}/{p.Steps} L1 {p.Loss:F5}"));
                },
                cancel.Token));
            using var predictor = result.Predictor;
            predictor.DescribeTraining(string.Create(
                CultureInfo.InvariantCulture,
                $"{data.Prompts} grammar prompts (seed {data.PromptSeed}, none among the first {data.ExcludedCount} of evaluation seed {data.ExcludedSeed}) x {data.SeedsPerPrompt} noise seeds from {data.NoiseSeed}, {generation.Steps} steps, CFG {generation.GuidanceScale}; recording {recording.TotalMinutes:F1} min; {predictor.Info.Training}"));
            predictor.Save(output, fileDtype);
            var bytes = new FileInfo(output).Length;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Predictor for {options.Schedule.Name} ({options.CfgExperts} CFG experts) written to {output} ({bytes / 1e6:F1} MB in {fileDtype}, {predictor.parameters().Sum(p => p.NumberOfElements):N0} parameters). Trajectories: {trajectories.SampleCount} samples, {trajectories.Bytes / 1e6:F0} MB. Phase 1 L1 {result.Phase1.First:F5} -> {result.Phase1.Last:F5}; phase 2 L1 {result.Phase2.First:F5} -> {result.Phase2.Last:F5}. Wall {clock.Elapsed.TotalMinutes:F1} min (recording {recording.TotalMinutes:F1})."));
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped; rerun the same command to resume (trajectories and checkpoints are kept).");
            return ExitCodes.Stopped;
        }
    }

    private sealed record DataChoice(int Prompts, int SeedsPerPrompt, int PromptSeed, long NoiseSeed, int ExcludedSeed, int ExcludedCount, int Episode, string Folder);
}
