using System.CommandLine;
using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Placement;
using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Cli;

/// <summary><c>search-schedule</c>: chooses where B full steps go for one method on recorded trajectories of a shapes model and writes the schedule file.</summary>
internal static class SearchScheduleCommand
{
    public static Command Create()
    {
        var defaults = new FullStepSearchOptions();
        var output = new Option<string>("--output") { Description = "The schedule file to write (.json); evaluate reads it as --schedules file:PATH.", Required = true };
        var budget = new Option<int>("--budget") { Description = "B: full steps (step 0 among them).", Required = true };
        var method = new Option<string>("--method") { Description = $"The training-free method the schedule is searched for (LESA: search with one of these, then train-lesa --schedule file:PATH):{Environment.NewLine}{CacheMethods.ForecasterHelp()}", DefaultValueFactory = _ => "taylorseer:order=2" };
        var level = new Option<string>("--level") { Description = "Cache level of the method: module, model or block.", DefaultValueFactory = _ => "model" };
        var searchEpisodes = new Option<int>("--search-episodes") { Description = "Recorded episodes every candidate is generated on.", DefaultValueFactory = _ => defaults.SearchEpisodes };
        var validationEpisodes = new Option<int>("--validation-episodes") { Description = "Last recorded episodes held out to report the start and the result on.", DefaultValueFactory = _ => defaults.ValidationEpisodes };
        var maxEvaluations = new Option<int>("--max-evaluations") { Description = "Most candidate sets generated (the fixed starts included).", DefaultValueFactory = _ => defaults.MaxEvaluations };
        var moves = new Option<string>("--moves") { Description = "Move sizes of the local search in steps, comma-separated.", DefaultValueFactory = _ => string.Join(",", defaults.Moves) };
        var threads = new Option<int>("--threads") { Description = "Torch threads (0: default).", DefaultValueFactory = _ => 0 };
        var command = new Command("search-schedule", "Choose the B full steps of a generation for one caching method: every candidate is generated in the closed loop on recorded training samples and scored by the PSNR of its outputs against the uncached ones; writes a schedule file for evaluate --schedules file:PATH and train-lesa --schedule file:PATH.")
        {
            output, budget, method, level, searchEpisodes, validationEpisodes, maxEvaluations, moves, threads,
        };
        var data = new TrajectoryOptions();
        data.AddTo(command);
        command.SetAction(parse =>
        {
            var outputPath = Path.GetFullPath(parse.GetValue(output)!);
            var samples = data.Read(parse, outputPath);
            CliChecks.AtLeast(parse.GetValue(budget), 1, "--budget");
            CliChecks.AtLeast(parse.GetValue(searchEpisodes), 1, "--search-episodes");
            CliChecks.AtLeast(parse.GetValue(validationEpisodes), 0, "--validation-episodes");
            CliChecks.AtLeast(parse.GetValue(maxEvaluations), 1, "--max-evaluations");
            CliChecks.AtLeast(parse.GetValue(threads), 0, "--threads");
            if (parse.GetValue(budget) > samples.Generation.Steps)
            {
                throw new UsageException($"--budget {parse.GetValue(budget)} is more full steps than the {samples.Generation.Steps} sampler steps.");
            }

            MethodSpec methodSpec;
            var cacheLevel = CliChecks.Level(parse.GetValue(level)!, "--level");
            try
            {
                methodSpec = MethodSpec.Parse(parse.GetValue(method)!, cacheLevel);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--method: {e.Message}", e);
            }

            if (methodSpec.IsReference || methodSpec.Forecaster is null)
            {
                throw new UsageException($"--method: '{methodSpec.Text}' is not a training-free forecaster; search with fora, taylorseer or hicache (for LESA, then train a predictor for the result with train-lesa --schedule file:PATH).");
            }

            var moveSizes = ParseMoves(parse.GetValue(moves)!);
            var options = new FullStepSearchOptions
            {
                Budget = parse.GetValue(budget),
                SearchEpisodes = parse.GetValue(searchEpisodes),
                ValidationEpisodes = parse.GetValue(validationEpisodes),
                MaxEvaluations = parse.GetValue(maxEvaluations),
                Moves = moveSizes,
            };
            var episodes = (samples.Prompts * samples.SeedsPerPrompt + samples.Episode - 1) / samples.Episode;
            try
            {
                options.Validate(episodes, samples.Generation.Steps);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--search-episodes/--validation-episodes/--budget: {e.Message}", e);
            }

            if (parse.GetValue(threads) > 0)
            {
                set_num_threads(parse.GetValue(threads));
            }

            return Run(outputPath, methodSpec, options, samples);
        });
        return command;
    }

    private static int[] ParseMoves(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                throw new UsageException($"--moves: '{part}' is not a positive step count.");
            }

            sizes.Add(size);
        }

        return sizes.Count > 0 ? [.. sizes.Distinct()] : throw new UsageException("--moves: give at least one move size.");
    }

    private static int Run(string output, MethodSpec method, FullStepSearchOptions options, TrajectoryOptions.Choice data)
    {
        using var cancel = CliLogging.CancelOnCtrlC();
        using var model = ShapesTaskModels.Load(data.ModelFolder, cuda.is_available() ? CUDA : CPU);
        var host = data.Host(model);
        try
        {
            using var trajectories = data.Collect(host, cancel.Token);
            var search = new FullStepSearch(host, trajectories, schedule => new CacheConfig { Level = method.Level, Forecaster = method.Forecaster!, Schedule = schedule }, options);
            var result = CliLogging.WithProgress("searching", report => search.Run(
                (done, total, best) =>
                {
                    var line = string.Create(CultureInfo.InvariantCulture, $"{done}/{total} sets, best {best:F2} dB");
                    report((double)done / total, line);
                    if (!CliLogging.Interactive && done % 10 == 0)
                    {
                        Console.WriteLine($"search {line}");
                    }
                },
                cancel.Token));
            ScheduleFile.Save(new SearchedSchedule(search.Describe(result, method.Text, method.Level, data.Describe())), output);
            var validation = result.ValidationPsnr is double v && result.StartValidationPsnr is double s
                ? string.Create(CultureInfo.InvariantCulture, $"; held out: {s:F2} -> {v:F2} dB")
                : "";
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{options.Budget} full steps for {method.Text} at {method.Level.ToString().ToLowerInvariant()} level: [{string.Join(",", result.FullSteps)}], search PSNR {result.StartSearchPsnr:F2} dB (best fixed [{string.Join(",", result.Start)}]) -> {result.SearchPsnr:F2} dB{validation}; {result.Evaluations} sets in {result.Wall.TotalMinutes:F1} min. Written to {output}."));
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped; rerun the same command to resume the recording (the search starts again).");
            return ExitCodes.Stopped;
        }
    }
}
