using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LesaHiCache.Models;
using LesaHiCache.Models.HunyuanVideo;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Cli;

/// <summary>
/// <c>model-card &lt;folder&gt;</c>: measures a trained shapes model (fidelity over prompts from a
/// seed, determinism, time per image) and writes loss.png, samples.png, fidelity.json and README.md.
/// </summary>
internal static class ModelCardCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "A trained shapes model folder (from train-model)." };
        var prompts = new Option<int>("--prompts") { Description = "Prompts to evaluate.", DefaultValueFactory = _ => 64 };
        var promptSeed = new Option<int>("--prompt-seed") { Description = "Seed of the evaluation prompts (never a training seed).", DefaultValueFactory = _ => 20261125 };
        var noiseSeed = new Option<long>("--noise-seed") { Description = "Noise seed of the first image (image i uses seed + i).", DefaultValueFactory = _ => 7000 };
        var steps = new Option<int>("--steps") { Description = "Sampling steps.", DefaultValueFactory = _ => 50 };
        var batch = new Option<int>("--batch") { Description = "Images per batch.", DefaultValueFactory = _ => 16 };
        var guidance = GuidanceOption.Create();
        var command = new Command("model-card", "Evaluate a trained shapes model (image or video) and write its model card (README.md, loss.png, samples.png, fidelity.json).")
        {
            folder, prompts, promptSeed, noiseSeed, steps, batch, guidance,
        };
        command.SetAction(parse => Run(parse.GetValue(folder)!, parse.GetValue(prompts), parse.GetValue(promptSeed), parse.GetValue(noiseSeed), parse.GetValue(steps), parse.GetValue(batch), parse.GetValue(guidance)));
        return command;
    }

    private static int Run(string folder, int count, int promptSeed, long noiseSeed, int steps, int batch, double? givenGuidance)
    {
        CliChecks.ShapesModelFolder(folder, "model-card FOLDER");
        var guidance = givenGuidance ?? ShapesTaskModels.DefaultGuidanceScale(folder);
        CliChecks.WritableFolder(folder, "model-card FOLDER");
        CliChecks.AtLeast(count, 1, "--prompts");
        CliChecks.AtLeast(steps, 1, "--steps");
        CliChecks.AtLeast(batch, 1, "--batch");
        if (DiffusersClassName.Of(Path.Combine(folder, "transformer", "config.json")) == HunyuanVideoTransformerConfig.DiffusersClassName)
        {
            return VideoModelCard.Write(folder, count, promptSeed, noiseSeed, new ShapesGenerationOptions { Steps = steps, GuidanceScale = guidance }, batch);
        }

        using var cancel = CliLogging.CancelOnCtrlC();
        using var model = ShapesModel.Load(folder);
        var options = new ShapesGenerationOptions { Steps = steps, GuidanceScale = guidance };
        var c = CultureInfo.InvariantCulture;

        var evaluation = CliLogging.WithProgress("generating", report => FidelityEvaluation.Run(
            model, count, promptSeed, noiseSeed, options, batch, done => report((double)done / count, $"{done}/{count} images"), cancel.Token));
        Console.WriteLine(string.Create(c, $"Mean fidelity over {count} prompts (prompt seed {promptSeed}, noise seeds {noiseSeed}..{noiseSeed + count - 1}), {steps} steps: {evaluation.Mean:F4} (one object: {Fidelity(evaluation.MeanOf(1))} over {evaluation.CountOf(1)}; two objects: {Fidelity(evaluation.MeanOf(2))} over {evaluation.CountOf(2)})"));

        var (repeatable, singleSeconds) = CheckDeterminism(model, evaluation.Prompts[0].Text, noiseSeed, options);
        Console.WriteLine(string.Create(c, $"Same prompt and seed twice: {(repeatable ? "bit-identical" : "DIFFERENT")}; one image alone: {singleSeconds:F2} s"));

        RgbImage.SaveGrid(evaluation.Images.Take(16).ToList(), SceneLayout.ImageSize, 8, Path.Combine(folder, "samples.png"), scale: 4);
        var objects = evaluation.Reports.SelectMany(r => r.Objects).ToList();
        var losses = ReadLosses(Path.Combine(folder, "loss.csv"));
        PlotLosses(losses, Path.Combine(folder, "loss.png"));
        File.WriteAllText(Path.Combine(folder, "fidelity.json"), JsonSerializer.Serialize(new
        {
            prompts = count,
            prompt_seed = promptSeed,
            noise_seed = noiseSeed,
            steps,
            guidance_scale = options.GuidanceScale,
            mean_fidelity = evaluation.Mean,
            one_object_fidelity = evaluation.MeanOf(1),
            two_object_fidelity = evaluation.MeanOf(2),
            objects = objects.Count,
            objects_found = objects.Count(o => o.Found),
            positions_correct = objects.Count(o => o.PositionCorrect),
            sizes_correct = objects.Count(o => o.SizeCorrect),
            shapes_correct = objects.Count(o => o.ShapeCorrect),
            backgrounds_correct = evaluation.Reports.Count(r => r.BackgroundCorrect),
            spurious_blobs = evaluation.Reports.Sum(r => r.Spurious.Count),
            seconds_per_image_batched = evaluation.SecondsPerImage,
            batch,
            seconds_single_image = singleSeconds,
            bit_identical_repeat = repeatable,
            per_prompt = evaluation.Prompts.Zip(evaluation.Reports, (p, r) => new { prompt = p.Text, fidelity = r.Score, found = r.Explain() }),
        }, Indented));
        File.WriteAllText(Path.Combine(folder, "README.md"), Card(folder, model, evaluation, losses, steps, batch, singleSeconds, repeatable, options));
        Console.WriteLine($"Wrote {Path.Combine(folder, "README.md")}, loss.png, samples.png, fidelity.json");
        return 0;
    }

    /// <summary>A group's mean fidelity to three places, or n/a for a group with no prompts.</summary>
    internal static string Fidelity(double? mean) => mean?.ToString("F3", CultureInfo.InvariantCulture) ?? "n/a";

    internal static (bool Repeatable, double Seconds) CheckDeterminism(IShapesTaskModel model, string prompt, long seed, ShapesGenerationOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var first = model.Generate([prompt], [seed], options);
        var seconds = clock.Elapsed.TotalSeconds;
        using var second = model.Generate([prompt], [seed], options);
        return (first.eq(second).all().item<bool>(), seconds);
    }

    internal static List<(int Step, double Loss)> ReadLosses(string path) => File.ReadAllLines(path).Skip(1)
        .Select(line => line.Split(','))
        .Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
        .ToList();

    internal static void PlotLosses(List<(int Step, double Loss)> losses, string path)
    {
        var plot = new ScottPlot.Plot();
        plot.Add.Scatter(losses.Select(l => (double)l.Step).ToArray(), losses.Select(l => l.Loss).ToArray());
        plot.Title("Rectified-flow training loss (mean per log window)");
        plot.XLabel("step");
        plot.YLabel("MSE loss");
        plot.SavePng(path, 800, 450);
    }

    private static string Card(string folder, ShapesModel model, FidelityEvaluation evaluation, List<(int Step, double Loss)> losses, int steps, int batch, double singleSeconds, bool repeatable, ShapesGenerationOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        using var training = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "training.json")));
        var t = training.RootElement;
        var summary = ParameterSummary.Of(model.Transformer);
        var textParameters = model.TextEncoder.parameters().Sum(p => p.numel());
        var config = model.Transformer.Config;
        var bytes = new[] { "transformer", "text_encoder" }.SelectMany(d => Directory.GetFiles(Path.Combine(folder, d), "*.safetensors")).Sum(f => new FileInfo(f).Length);
        var o = t.GetProperty("Options");
        var card = new StringBuilder();
        card.AppendLine("# shapes-flux: the bundled model");
        card.AppendLine();
        card.AppendLine("A small text-to-image model of the FLUX.1 architecture, trained here on the synthetic shapes task");
        card.AppendLine("(`LesaHiCache.Shapes.Task`): 32x32 RGB images of one or two colored shapes on a colored background,");
        card.AppendLine(string.Create(c, $"generated directly in pixel space (4x4 patches: 8x8 = 64 image tokens of 48 channels; {model.TextTokens} text tokens)."));
        card.AppendLine();
        card.AppendLine("| | |");
        card.AppendLine("|---|---|");
        card.AppendLine(string.Create(c, $"| transformer | {config.NumLayers} double-stream + {config.NumSingleLayers} single-stream blocks, width {config.InnerDim} ({config.NumAttentionHeads} heads x {config.AttentionHeadDim}), RoPE axes [{string.Join(", ", config.AxesDimsRope)}], no guidance embedding: {summary.Total:N0} parameters |"));
        var segments = model.TextEncoder.Config.Segments > 0 ? string.Create(c, $", with per-object segments: every word gets its object's (or the background's) segment embedding and {model.TextEncoder.Config.Segments} segment tokens follow the {model.Tokenizer.MaxLength} word tokens, one per object and one for the background") : "";
        card.AppendLine(string.Create(c, $"| text encoder | word tokenizer ({model.Tokenizer.VocabularySize} ids), {model.TextEncoder.Config.Layers}-layer transformer encoder, width {model.TextEncoder.Config.HiddenSize}{segments}: {textParameters:N0} parameters |"));
        card.AppendLine(string.Create(c, $"| weights | float32 safetensors, {bytes / 1e6:F1} MB in all (EMA weights) |"));
        card.AppendLine(string.Create(c, $"| training | {t.GetProperty("Steps").GetInt32()} steps x {o.GetProperty("BatchSize").GetInt32()} images, AdamW lr {o.GetProperty("LearningRate").GetDouble()} (warm-up {o.GetProperty("WarmupSteps").GetInt32()}, cosine to 10%), weight decay {o.GetProperty("WeightDecay").GetDouble()}, clip {o.GetProperty("GradientClip").GetDouble()}, EMA {o.GetProperty("EmaDecay").GetDouble()}, conditioning dropout {o.GetProperty("ConditioningDropout").GetDouble()}, {(o.TryGetProperty("TwoObjectShare", out var share) ? share.GetDouble() : 0.5):P0} two-object prompts, logit-normal t, data seed {o.GetProperty("DataSeed").GetInt32()} |"));
        card.AppendLine(string.Create(c, $"| wall time | {t.GetProperty("WallSeconds").GetDouble() / 60:F1} min on {t.GetProperty("Device").GetString()} with {t.GetProperty("Threads").GetInt32()} threads (2-core AMD EPYC 2.6 GHz) |"));
        card.AppendLine(string.Create(c, $"| final loss | {t.GetProperty("FinalLoss").GetDouble():F4} (mean of the last {o.GetProperty("LogEvery").GetInt32()} steps) |"));
        card.AppendLine(string.Create(c, $"| prompt fidelity | **{evaluation.Mean:F3}** mean over {evaluation.Prompts.Count} prompts (prompt seed {evaluation.PromptSeed}, noise seeds {evaluation.NoiseSeed}..{evaluation.NoiseSeed + evaluation.Prompts.Count - 1}; neither used in training), {steps} steps, CFG {options.GuidanceScale}: one-object prompts {Fidelity(evaluation.MeanOf(1))} ({evaluation.CountOf(1)}), two-object prompts {Fidelity(evaluation.MeanOf(2))} ({evaluation.CountOf(2)}) |"));
        var objects = evaluation.Reports.SelectMany(r => r.Objects).ToList();
        card.AppendLine(string.Create(c, $"| what the score found | of {objects.Count} objects: color {objects.Count(o => o.Found)}, position {objects.Count(o => o.PositionCorrect)}, size {objects.Count(o => o.SizeCorrect)}, shape {objects.Count(o => o.ShapeCorrect)}; backgrounds {evaluation.Reports.Count(r => r.BackgroundCorrect)}/{evaluation.Prompts.Count}; {evaluation.Reports.Sum(r => r.Spurious.Count)} spurious blobs in {evaluation.Reports.Count(r => r.Spurious.Count > 0)} images ([docs/shapes-task.md](../../docs/shapes-task.md)) |"));
        card.AppendLine(string.Create(c, $"| speed | {evaluation.SecondsPerImage:F2} s per {steps}-step image in batches of {batch}, {singleSeconds:F2} s for one image alone (CFG doubles the batch) |"));
        card.AppendLine(string.Create(c, $"| determinism | same prompt + seed twice: {(repeatable ? "bit-identical" : "NOT identical")} |"));
        card.AppendLine();
        card.AppendLine("Training data: step s draws its prompts from `PromptGrammar(seed = data_seed * 1000003 + s)`, renders");
        card.AppendLine("them with SkiaSharp, and draws noise and times from a torch generator with the same seed, so a");
        card.AppendLine("resumed run sees the same data. Prompt seeds used in training are therefore");
        card.AppendLine(string.Create(c, $"{o.GetProperty("DataSeed").GetInt32() * 1000003}..{o.GetProperty("DataSeed").GetInt32() * 1000003 + t.GetProperty("Steps").GetInt32() - 1}."));
        card.AppendLine();
        AppendReproductionAndSamples(
            card,
            string.Create(c, $"dotnet run --project src/LesaHiCache.Cli -c Release -- train-model --output models/shapes-flux --steps {t.GetProperty("Steps").GetInt32()} --batch {o.GetProperty("BatchSize").GetInt32()}"),
            string.Create(c, $"dotnet run --project src/LesaHiCache.Cli -c Release -- model-card models/shapes-flux --prompts {evaluation.Prompts.Count} --prompt-seed {evaluation.PromptSeed} --noise-seed {evaluation.NoiseSeed} --guidance {options.GuidanceScale}"),
            "The first 16 evaluation prompts, in order (row-major):",
            evaluation.Prompts.Zip(evaluation.Reports, (p, r) => (p.Text, r.Score, r.Explain())));
        return card.ToString();
    }

    /// <summary>
    /// The end of a model card: the commands that regenerate the model and its card, the loss plot,
    /// the sample grid with <paramref name="samplesCaption"/>, and the first 16 samples' prompts with
    /// their fidelity and what the score found.
    /// </summary>
    internal static void AppendReproductionAndSamples(StringBuilder card, string trainCommand, string cardCommand, string samplesCaption, IEnumerable<(string Prompt, double Fidelity, string Found)> samples)
    {
        card.AppendLine("Regenerate (from the repository root):");
        card.AppendLine();
        card.AppendLine("```bash");
        card.AppendLine(trainCommand);
        card.AppendLine(cardCommand);
        card.AppendLine("```");
        card.AppendLine();
        card.AppendLine("(`train-model` keeps resumable checkpoints in `<output>/checkpoint/`; they are not shipped.)");
        card.AppendLine();
        card.AppendLine("## Loss");
        card.AppendLine();
        card.AppendLine("![loss curve](loss.png)");
        card.AppendLine();
        card.AppendLine("## Samples");
        card.AppendLine();
        card.AppendLine(samplesCaption);
        card.AppendLine();
        card.AppendLine("![samples](samples.png)");
        card.AppendLine();
        var number = 0;
        foreach (var (prompt, fidelity, found) in samples.Take(16))
        {
            card.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{++number}. {prompt} (fidelity {fidelity:F2}: {found})"));
        }
    }
}
