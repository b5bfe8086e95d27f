using System.CommandLine;
using System.Globalization;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Lesa;
using LesaHiCache.Lesa.Training;
using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Cli;

/// <summary><c>train-lesa</c>: records uncached trajectories of the shapes model and trains a LESA predictor for one schedule (resumable).</summary>
internal static class TrainLesaCommand
{
    public static Command Create()
    {
        var training = new LesaTrainingOptions { Schedule = new Caching.Schedules.FixedIntervalSchedule(7, warmup: 3) };
        var output = new Option<string>("--output") { Description = "The predictor file to write (.safetensors).", Required = true };
        var schedule = new Option<string>("--schedule") { Description = $"The caching schedule the predictor is for (its full steps must be known ahead):{Environment.NewLine}{CacheMethods.ScheduleHelp()}", DefaultValueFactory = _ => "interval:7:3" };
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
            output, schedule, phase1, phase2, episodesPerStep, lr, validationEpisodes, seed, cfgExperts, weightsDtype, threads,
        };
        var data = new TrajectoryOptions();
        data.AddTo(command);
        command.SetAction(parse =>
        {
            var outputPath = Path.GetFullPath(parse.GetValue(output)!);
            var samples = data.Read(parse, outputPath);
            foreach (var (value, minimum, name) in new[] { (parse.GetValue(phase1), 0, "--phase1-steps"), (parse.GetValue(phase2), 0, "--phase2-steps"), (parse.GetValue(episodesPerStep), 1, "--episodes-per-step"), (parse.GetValue(validationEpisodes), 0, "--validation-episodes"), (parse.GetValue(threads), 0, "--threads") })
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

            var fileDtype = parse.GetValue(weightsDtype) switch
            {
                "float16" => ScalarType.Float16,
                "bfloat16" => ScalarType.BFloat16,
                _ => ScalarType.Float32,
            };
            return Run(outputPath, options, samples, fileDtype);
        });
        return command;
    }

    private static int Run(string output, LesaTrainingOptions options, TrajectoryOptions.Choice data, ScalarType fileDtype)
    {
        using var loggers = CliLogging.Create();
        var logger = loggers.CreateLogger("train-lesa");
        using var cancel = CliLogging.CancelOnCtrlC();
        using var model = ShapesTaskModels.Load(data.ModelFolder, cuda.is_available() ? CUDA : CPU);
        var host = data.Host(model);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var trajectories = data.Collect(host, cancel.Token);
            var recording = clock.Elapsed;
            var trainer = new LesaTrainer(host, options, logger);
            var result = CliLogging.WithProgress("training", report => trainer.Train(
                trajectories,
                Path.Combine(data.WorkFolder, "checkpoint"),
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
                $"{data.Describe()}; recording {recording.TotalMinutes:F1} min; {predictor.Info.Training}"));
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
}
