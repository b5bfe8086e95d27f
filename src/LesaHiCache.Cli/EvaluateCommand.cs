using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Evaluation;
using LesaHiCache.Lesa;
using LesaHiCache.Shapes.Evaluation;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Cli;

/// <summary>
/// <c>evaluate</c>: the quality-vs-speedup frontier of forecasters x schedules against the uncached
/// reference on the same prompts and seeds, as a table, JSON, a plot and images.
/// </summary>
internal static class EvaluateCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Command Create()
    {
        var defaults = new EvaluationOptions();
        var model = new Option<string?>("--model") { Description = "A shapes model folder, image or video (default: the bundled image model; models/shapes-video is the video one)." };
        var predictors = new Option<string?>("--predictors") { Description = "Folder of LESA predictor files searched by lesa methods without a path (default: <model>/lesa)." };
        var methods = new Option<string>("--methods") { Description = $"Comma-separated forecasters (lesa without a path: the predictor for the schedule in --predictors):{Environment.NewLine}{CacheMethods.ForecasterHelp()}", DefaultValueFactory = _ => "none,fora,taylorseer:order=1,taylorseer:order=2,hicache:order=2:sigma=0.5" };
        var schedules = new Option<string>("--schedules") { Description = $"Comma-separated schedules (';' between steps in a list):{Environment.NewLine}{CacheMethods.ScheduleHelp()}", DefaultValueFactory = _ => "interval:7:3,interval:10:3" };
        var level = new Option<string>("--level") { Description = "Default cache level: module, model or block (a forecaster with one level, like lesa, keeps it).", DefaultValueFactory = _ => "module" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => defaults.Steps, Description = "Sampler steps." };
        var prompts = new Option<int>("--prompts") { DefaultValueFactory = _ => defaults.Prompts, Description = "Prompts, drawn from the task grammar." };
        var promptSeed = new Option<int>("--prompt-seed") { DefaultValueFactory = _ => defaults.PromptSeed, Description = "Seed of the prompt sample." };
        var excludePromptSeed = new Option<int>("--exclude-prompt-seed") { DefaultValueFactory = _ => defaults.PromptSeed, Description = "Grammar seed of prompts to keep out (with --exclude-prompts; e.g. the evaluation prompts when validating)." };
        var excludePrompts = new Option<int>("--exclude-prompts") { DefaultValueFactory = _ => 0, Description = "How many prompts of --exclude-prompt-seed to keep out of the sample." };
        var noiseSeed = new Option<long>("--noise-seed") { DefaultValueFactory = _ => defaults.NoiseSeed, Description = "Noise seed of prompt 0 (prompt i: seed + i)." };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => defaults.Batch, Description = "Images or clips per generation." };
        var repeats = new Option<int>("--repeats") { DefaultValueFactory = _ => defaults.Repeats, Description = $"Timing repeats (medians; speedups pair each batch with its reference); 0: enough for {EvaluationOptions.MinPairs} pairs." };
        var guidance = GuidanceOption.Create();
        var json = new Option<string?>("--json") { Description = "Write the report as JSON." };
        var markdown = new Option<string?>("--markdown") { Description = "Write the table as Markdown." };
        var plot = new Option<string?>("--plot") { Description = "Write PSNR vs wall speedup as PNG." };
        var images = new Option<string?>("--save-images") { Description = "Write the reference and every run's images as PNG into this folder." };
        var html = new Option<string?>("--html") { Description = "Write one self-contained HTML page: the table, the plot, and every prompt's uncached image beside each run's with its PSNR." };
        var command = new Command("evaluate", "Measure quality vs speedup of forecasters and schedules against the uncached reference.")
        {
            model, predictors, methods, schedules, level, steps, prompts, promptSeed, excludePromptSeed, excludePrompts, noiseSeed, batch, repeats, guidance, json, markdown, plot, images, html,
        };
        command.SetAction(parse =>
        {
            IReadOnlyList<MethodSpec> methodList;
            IReadOnlyList<ScheduleSpec> scheduleList;
            var defaultLevel = CliChecks.Level(parse.GetValue(level)!, "--level");
            try
            {
                methodList = MethodSpec.ParseList(parse.GetValue(methods)!, defaultLevel);
                scheduleList = ScheduleSpec.ParseList(parse.GetValue(schedules)!);
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message, e);
            }

            var options = new EvaluationOptions
            {
                Steps = parse.GetValue(steps),
                Prompts = parse.GetValue(prompts),
                PromptSeed = parse.GetValue(promptSeed),
                NoiseSeed = parse.GetValue(noiseSeed),
                Batch = parse.GetValue(batch),
                Repeats = parse.GetValue(repeats),
                GuidanceScale = parse.GetValue(guidance),
            };
            CliChecks.AtLeast(options.Steps, 1, "--steps");
            CliChecks.AtLeast(options.Prompts, 1, "--prompts");
            CliChecks.AtLeast(options.Batch, 1, "--batch");
            CliChecks.AtLeast(options.Repeats, 0, "--repeats");
            var predictorFolder = parse.GetValue(predictors);
            if (predictorFolder is not null)
            {
                CliChecks.ExistingFolder(predictorFolder, "--predictors");
            }

            var modelFolder = parse.GetValue(model) ?? ShapesModel.BundledFolder;
            CliChecks.ShapesModelFolder(modelFolder, parse.GetValue(model) is null ? "the bundled model" : "--model");
            scheduleList = CalibrationBinding.Bind(scheduleList, modelFolder);
            CliChecks.WritableFile(parse.GetValue(json), "--json");
            CliChecks.WritableFile(parse.GetValue(markdown), "--markdown");
            CliChecks.WritableFile(parse.GetValue(plot), "--plot");
            CliChecks.WritableFolder(parse.GetValue(images), "--save-images");
            CliChecks.WritableFile(parse.GetValue(html), "--html");
            return Run(modelFolder, methodList, scheduleList, options with { PredictorFolder = predictorFolder ?? Path.Combine(modelFolder, "lesa") }, (parse.GetValue(excludePromptSeed), parse.GetValue(excludePrompts)), new Outputs(parse.GetValue(json), parse.GetValue(markdown), parse.GetValue(plot), parse.GetValue(images), parse.GetValue(html)));
        });
        return command;
    }

    private static int Run(string folder, IReadOnlyList<MethodSpec> methods, IReadOnlyList<ScheduleSpec> schedules, EvaluationOptions options, (int Seed, int Count) excluded, Outputs outputs)
    {
        using var cancel = CliLogging.CancelOnCtrlC();
        using var model = ShapesTaskModels.Load(folder, cuda.is_available() ? CUDA : CPU);
        options = options with { ExcludedPrompts = model.Prompts(excluded.Seed).Take(Math.Max(0, excluded.Count)).ToHashSet(StringComparer.Ordinal) };
        var evaluator = new Evaluator(model, options);
        var runs = Evaluator.Runs(methods, schedules);
        var kept = outputs.Html is null ? null : new EvaluationImages();
        EvaluationReport report;
        try
        {
            report = CliLogging.WithProgress("evaluating", progress => evaluator.Run(
                methods, schedules, progress, batch =>
                {
                    SaveImages(outputs.Images, runs, batch);
                    kept?.Add(batch);
                },
                cancel.Token));
        }
        catch (Exception e) when (e is LesaPredictorMismatchException or ScheduleMismatchException or FormatException or WeightsLoadException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        var table = Markdown(report, model.ItemName);
        Console.WriteLine(table);
        foreach (var disturbed in report.Results.Where(r => r.Disturbed))
        {
            Console.Error.WriteLine($"warning: {disturbed.Method} {disturbed.Schedule}: the machine was disturbed during this run ({disturbed.DisturbedBecause}); its wall speedup is not trustworthy: rerun on a quiet machine.");
        }

        if (!report.Complete)
        {
            Console.Error.WriteLine($"Stopped early: figures cover the {report.Prompts} prompts completed.");
        }

        Write(outputs.Json, JsonSerializer.Serialize(report, Json));
        Write(outputs.Markdown, table);
        if (outputs.Plot is not null)
        {
            FrontierPlot.Save(report, outputs.Plot);
        }

        if (outputs.Html is not null)
        {
            var prompts = model.TakeExcept(options.PromptSeed, options.Prompts, options.ExcludedPrompts);
            var names = runs.Select(r => $"{r.Method.Text} {r.Schedule.Text}").ToList();
            Write(outputs.Html, HtmlReport.Build(report, prompts, names, kept!, Settings(report), FrontierPlot.Png(report)));
        }

        return report.Complete ? 0 : 130;
    }

    private static void Write(string? path, string text)
    {
        if (path is null)
        {
            return;
        }

        CreateParentDirectory(path);
        File.WriteAllText(path, text);
    }

    private static void CreateParentDirectory(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>Reference images (a clip: its frames in one strip) are ref-{i}.png; a run's are {method}__{schedule}-{i}.png, so pairs share the index.</summary>
    private static void SaveImages(string? folder, IReadOnlyList<(MethodSpec Method, ScheduleSpec Schedule)> runs, GeneratedBatch batch)
    {
        if (folder is null)
        {
            return;
        }

        var name = batch.Run < 0 ? "ref" : Sanitize($"{runs[batch.Run].Method.Text}__{runs[batch.Run].Schedule.Text}");
        for (var i = 0; i < batch.Images.Count; i++)
        {
            var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{name}-{batch.FirstPrompt + i:D3}.png"));
            RgbImage.SavePng(batch.Images[i], batch.Width, batch.Height, path, scale: 4);
        }
    }

    private static string Sanitize(string text) => new(text.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-').ToArray());

    internal static string Markdown(EvaluationReport report, string item = "image")
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(Settings(report));
        text.AppendLine(string.Create(c, $"Uncached reference: {report.Reference.SecondsPerImage:F3} s per {item}, fidelity {report.Reference.Fidelity:F3}."));
        text.AppendLine();
        text.AppendLine("| method | level | schedule | full steps | NFE speedup | wall speedup | P10-P90 (pairs) | PSNR (dB) | SSIM | rel. L1 | fidelity | cache (MiB) | forecast ms/step |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in report.Results)
        {
            text.AppendLine(string.Create(c, $"| {r.Method} | {r.Level} | {r.Schedule} | {r.FullSteps:0.##} | {r.NfeSpeedup:F2}x | {r.WallSpeedup:F2}x{(r.Disturbed ? " (disturbed)" : "")} | {r.WallSpeedupP10:F2}-{r.WallSpeedupP90:F2} ({r.Pairs}) | {r.PsnrDb:F2} | {r.Ssim:F4} | {r.RelativeL1:F4} | {r.Fidelity:F3} | {r.CacheMib:F2} | {r.ForecastMsPerStep:F2} |"));
        }

        var adaptive = report.Results.Where(r => r.Indicator is not null).ToList();
        if (adaptive.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Values the adaptive schedules compared with their thresholds, over every step of every generation (docs/indicators.md):");
            text.AppendLine();
            foreach (var r in adaptive)
            {
                text.AppendLine($"- {r.Method}, {r.Schedule}: {r.Indicator}");
            }
        }

        return text.ToString();
    }

    /// <summary>The evaluation's settings and how its figures are computed, in one paragraph.</summary>
    internal static string Settings(EvaluationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        return string.Create(c, $"{report.Prompts} prompts (prompt seed {report.PromptSeed}{(report.ExcludedPrompts > 0 ? $" without {report.ExcludedPrompts} excluded prompts" : "")}, noise seeds {report.NoiseSeed}..{report.NoiseSeed + report.Prompts - 1}), {report.Steps} steps, batch {report.Batch}, CFG {report.GuidanceScale}, {report.Device}, {report.Threads} threads, {report.Repeats} repeat(s). Wall speedup: median over (repeat, batch) pairs of the reference's time on a batch over the run's time on it, with the pairs' P10-P90 and their count; \"disturbed\" marks a median above the NFE speedup or P90/P10 above {PairedSpeedup.WideSpread} (rerun those on a quiet machine). PSNR and SSIM compare the displayed images: clamped to [0, 1] and rounded to 8 bits, as the saved PNGs (a clip's: per frame, averaged over its frames).");
    }

    private sealed record Outputs(string? Json, string? Markdown, string? Plot, string? Images, string? Html);
}
