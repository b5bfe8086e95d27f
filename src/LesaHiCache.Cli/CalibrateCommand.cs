using System.CommandLine;
using System.Globalization;
using LesaHiCache.Caching.Indicators;
using LesaHiCache.Shapes.Evaluation;
using LesaHiCache.Shapes.Lesa;
using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Cli;

/// <summary>
/// <c>calibrate</c>: measures uncached generations of training prompts step by step and writes the
/// TeaCache and/or MagCache calibration of a shapes model (docs/indicators.md, "Calibration").
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var evaluation = new EvaluationOptions();
        var indicator = new Option<string>("--indicator") { Description = "teacache, magcache, or both (comma-separated): one recording serves both.", Required = true };
        var model = new Option<string?>("--model") { Description = "A shapes model folder, image or video (default: the bundled image model)." };
        var output = new Option<string?>("--output") { Description = "The calibration file to write (one indicator only; default: <model>/calibration/<indicator>.json, where evaluate finds it)." };
        var prompts = new Option<int>("--prompts") { Description = "Training prompts generated.", DefaultValueFactory = _ => 32 };
        var promptSeed = new Option<int>("--prompt-seed") { Description = "Grammar seed of the training prompts.", DefaultValueFactory = _ => 4242 };
        var noiseSeed = new Option<long>("--noise-seed") { Description = "First noise seed.", DefaultValueFactory = _ => 100_000 };
        var excludePromptSeed = new Option<int>("--exclude-prompt-seed") { Description = "Grammar seed of the evaluation prompts kept out.", DefaultValueFactory = _ => evaluation.PromptSeed };
        var excludePrompts = new Option<int>("--exclude-prompts") { Description = "How many evaluation prompts to keep out.", DefaultValueFactory = _ => 256 };
        var batch = new Option<int>("--batch") { Description = "Prompts per generation.", DefaultValueFactory = _ => 8 };
        var steps = new Option<int>("--steps") { Description = "Sampler steps (MagCache resamples its curve to other step counts).", DefaultValueFactory = _ => evaluation.Steps };
        var guidance = GuidanceOption.Create();
        var command = new Command("calibrate", "Calibrate TeaCache (the rescale polynomial) and/or MagCache (the magnitude-ratio curve) for a shapes model on uncached generations of training prompts; writes the files evaluate reads for --schedules teacache:T and magcache:T.")
        {
            indicator, model, output, prompts, promptSeed, noiseSeed, excludePromptSeed, excludePrompts, batch, steps, guidance,
        };
        command.SetAction(parse =>
        {
            var kinds = Indicators(parse.GetValue(indicator)!);
            var modelFolder = parse.GetValue(model) ?? ShapesModel.BundledFolder;
            CliChecks.ShapesModelFolder(modelFolder, parse.GetValue(model) is null ? "the bundled model" : "--model");
            if (parse.GetValue(output) is { } single && kinds.Count > 1)
            {
                throw new UsageException($"--output '{single}' names one file; --indicator asks for {kinds.Count} calibrations (leave --output out to write both into the model folder).");
            }

            var outputs = kinds.ToDictionary(k => k, k => Path.GetFullPath(parse.GetValue(output) ?? IndicatorCalibrationFile.DefaultPath(modelFolder, k)));
            foreach (var path in outputs.Values)
            {
                CliChecks.WritableFile(path, "--output");
            }

            CliChecks.AtLeast(parse.GetValue(prompts), 1, "--prompts");
            CliChecks.AtLeast(parse.GetValue(batch), 1, "--batch");
            CliChecks.AtLeast(parse.GetValue(steps), IndicatorCalibrator.RescaleDegree + 2, "--steps");
            CliChecks.AtLeast(parse.GetValue(excludePrompts), 0, "--exclude-prompts");
            var generation = new ShapesGenerationOptions { Steps = parse.GetValue(steps), GuidanceScale = parse.GetValue(guidance) ?? ShapesTaskModels.DefaultGuidanceScale(modelFolder) };
            return Run(modelFolder, outputs, generation, parse.GetValue(prompts), parse.GetValue(promptSeed), parse.GetValue(noiseSeed), (parse.GetValue(excludePromptSeed), parse.GetValue(excludePrompts)), parse.GetValue(batch));
        });
        return command;
    }

    private static List<IndicatorKind> Indicators(string text)
    {
        var kinds = new List<IndicatorKind>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            kinds.Add(part.ToLowerInvariant() switch
            {
                "teacache" => IndicatorKind.TeaCache,
                "magcache" => IndicatorKind.MagCache,
                _ => throw new UsageException($"--indicator: '{part}' is not teacache or magcache."),
            });
        }

        return kinds.Count > 0 ? [.. kinds.Distinct()] : throw new UsageException("--indicator: name teacache, magcache or both.");
    }

    private static int Run(string folder, Dictionary<IndicatorKind, string> outputs, ShapesGenerationOptions generation, int prompts, int promptSeed, long noiseSeed, (int Seed, int Count) excluded, int batch)
    {
        using var cancel = CliLogging.CancelOnCtrlC();
        using var model = ShapesTaskModels.Load(folder, cuda.is_available() ? CUDA : CPU);
        var kept = model.Prompts(excluded.Seed).Take(excluded.Count).ToHashSet(StringComparer.Ordinal);
        var host = ShapesLesaHost.ForTraining(model, prompts, 1, promptSeed, noiseSeed, kept, generation);
        var samples = string.Create(CultureInfo.InvariantCulture, $"{prompts} grammar prompts (seed {promptSeed}, none among the first {excluded.Count} of evaluation seed {excluded.Seed}), noise seeds from {noiseSeed}, {batch} per generation");
        IndicatorRecording recording;
        try
        {
            recording = CliLogging.WithProgress("calibrating", report => IndicatorCalibrator.Record(
                host,
                [.. Enumerable.Range(0, host.SampleCount)],
                batch,
                (done, total) =>
                {
                    report((double)done / total, string.Create(CultureInfo.InvariantCulture, $"generation {done}/{total}"));
                    if (!CliLogging.Interactive)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calibration generation {done}/{total}"));
                    }
                },
                cancel.Token));
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped; nothing written.");
            return ExitCodes.Stopped;
        }

        foreach (var (kind, path) in outputs)
        {
            var (values, fit) = kind == IndicatorKind.TeaCache ? TeaCache(recording) : MagCache(recording);
            IndicatorCalibrationFile.Save(new IndicatorCalibration(kind, values, model.Name, host.ModelFingerprint, host.Setup, recording.Steps, samples, fit), path);
            Console.WriteLine($"{kind}: {fit}. Written to {path}.");
        }

        return 0;
    }

    private static (IReadOnlyList<double> Values, string Fit) TeaCache(IndicatorRecording recording)
    {
        var rescale = IndicatorCalibrator.FitRescale(recording);
        var observations = recording.Observations;
        var rms = Math.Sqrt(observations.Average(o => Math.Pow(rescale.Evaluate(o.InputChange) - o.OutputChange, 2)));
        var fit = string.Create(CultureInfo.InvariantCulture, $"degree-{IndicatorCalibrator.RescaleDegree} least squares over {observations.Count} steps of {recording.Generations} generations: input change {observations.Min(o => o.InputChange):G3} to {observations.Max(o => o.InputChange):G3}, output change mean {observations.Average(o => o.OutputChange):G3}, RMS error {rms:G3}");
        return (rescale.Coefficients, fit);
    }

    private static (IReadOnlyList<double> Values, string Fit) MagCache(IndicatorRecording recording)
    {
        var ratios = IndicatorCalibrator.MagnitudeCurve(recording).Ratios;
        var spread = Enumerable.Range(1, recording.Steps - 1).Max(step =>
        {
            var values = recording.MagnitudeRatiosAt(step);
            var mean = values.Average();
            return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        });
        var fit = string.Create(CultureInfo.InvariantCulture, $"mean ratio per step over {recording.Generations} generations, from {ratios.Skip(1).Min():G4} to {ratios.Skip(1).Max():G4}; largest spread between generations (standard deviation) {spread:G3}");
        return (ratios, fit);
    }
}
