using System.Globalization;
using System.Text;
using System.Text.Json;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using LesaHiCache.Shapes.Video;

namespace LesaHiCache.Cli;

/// <summary>
/// <c>model-card</c> for a text-to-video shapes model: clip fidelity over held-out prompts, the clip
/// scorer's validation, determinism and time per clip; writes loss.png, samples.png (one clip per
/// row), fidelity.json and README.md.
/// </summary>
internal static class VideoModelCard
{
    /// <summary>Prompts and seed of the scorer validation the card reports.</summary>
    public const int ValidationPrompts = 400;

    /// <summary>Seed of the scorer validation's prompts (not an evaluation seed).</summary>
    public const int ValidationSeed = 31;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Write(string folder, int count, int promptSeed, long noiseSeed, ShapesGenerationOptions options, int batch)
    {
        using var cancel = CliLogging.CancelOnCtrlC();
        using var model = ShapesVideoModel.Load(folder);
        var c = CultureInfo.InvariantCulture;
        var evaluation = CliLogging.WithProgress("generating", report => ClipFidelityEvaluation.Run(
            model, count, promptSeed, noiseSeed, options, batch, done => report((double)done / count, $"{done}/{count} clips"), cancel.Token));
        Console.WriteLine(string.Create(c, $"Mean clip fidelity over {count} prompts (prompt seed {promptSeed}, noise seeds {noiseSeed}..{noiseSeed + count - 1}), {options.Steps} steps: {evaluation.Mean:F4}"));
        var (repeatable, singleSeconds) = ModelCardCommand.CheckDeterminism(model, evaluation.Prompts[0].Text, noiseSeed, options);
        Console.WriteLine(string.Create(c, $"Same prompt and seed twice: {(repeatable ? "bit-identical" : "DIFFERENT")}; one clip alone: {singleSeconds:F2} s"));
        var validation = ClipScorerValidation.Run(ValidationSeed, ValidationPrompts);

        RgbImage.SaveGrid([.. evaluation.Clips.Take(16).SelectMany(frames => frames)], ClipLayout.FrameSize, ClipLayout.Frames, Path.Combine(folder, "samples.png"), scale: 3);
        var losses = ModelCardCommand.ReadLosses(Path.Combine(folder, "loss.csv"));
        ModelCardCommand.PlotLosses(losses, Path.Combine(folder, "loss.png"));
        var objects = evaluation.Reports.SelectMany(r => r.Objects).ToList();
        File.WriteAllText(Path.Combine(folder, "fidelity.json"), JsonSerializer.Serialize(new
        {
            prompts = count,
            prompt_seed = promptSeed,
            noise_seed = noiseSeed,
            steps = options.Steps,
            guidance_scale = options.GuidanceScale,
            mean_fidelity = evaluation.Mean,
            one_object_fidelity = evaluation.MeanOf(p => p.Objects.Count == 1),
            two_object_fidelity = evaluation.MeanOf(p => p.Objects.Count == 2),
            with_motion_fidelity = evaluation.MeanOf(p => p.Objects.Any(o => !o.IsStill)),
            still_only_fidelity = evaluation.MeanOf(p => p.Objects.All(o => o.IsStill)),
            objects = objects.Count,
            colors = objects.Count(o => o.Found),
            sizes = objects.Count(o => o.SizeCorrect),
            shapes = objects.Count(o => o.ShapeCorrect),
            starts = objects.Count(o => o.StartCorrect),
            ends = objects.Count(o => o.EndCorrect),
            paths = objects.Count(o => o.PathCorrect),
            steady = objects.Count(o => o.Steady),
            backgrounds = evaluation.Reports.Count(r => r.BackgroundCorrect),
            spurious_blobs = evaluation.Reports.Sum(r => r.SpuriousBlobs),
            seconds_per_clip_batched = evaluation.SecondsPerClip,
            batch,
            seconds_single_clip = singleSeconds,
            bit_identical_repeat = repeatable,
            scorer_validation = validation,
            per_prompt = evaluation.Prompts.Zip(evaluation.Reports, (p, r) => new { prompt = p.Text, fidelity = r.Score, found = r.Explain() }),
        }, Indented));
        File.WriteAllText(Path.Combine(folder, "README.md"), Card(folder, model, evaluation, validation, options, batch, singleSeconds, repeatable));
        Console.WriteLine($"Wrote {Path.Combine(folder, "README.md")}, loss.png, samples.png, fidelity.json");
        return 0;
    }

    private static string Card(string folder, ShapesVideoModel model, ClipFidelityEvaluation evaluation, ClipScorerValidation validation, ShapesGenerationOptions options, int batch, double singleSeconds, bool repeatable)
    {
        var c = CultureInfo.InvariantCulture;
        using var training = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "training.json")));
        var t = training.RootElement;
        var o = t.GetProperty("Options");
        var config = model.Transformer.Config;
        var textParameters = model.TextEncoder.parameters().Sum(p => p.numel());
        var bytes = new[] { "transformer", "text_encoder" }.SelectMany(d => Directory.GetFiles(Path.Combine(folder, d), "*.safetensors")).Sum(f => new FileInfo(f).Length);
        var objects = evaluation.Reports.SelectMany(r => r.Objects).ToList();
        var steps = t.GetProperty("Steps").GetInt32();
        var dataSeed = o.GetProperty("DataSeed").GetInt32();
        var n = evaluation.Prompts.Count;
        var card = new StringBuilder();
        card.AppendLine("# shapes-video: the bundled video model");
        card.AppendLine();
        card.AppendLine("A small text-to-video model of the HunyuanVideo architecture, trained here on the synthetic clip task");
        card.AppendLine("(`LesaHiCache.Shapes.Video`, [docs/shapes-video.md](../../docs/shapes-video.md)): 8-frame clips of 16x16 RGB frames in which one");
        card.AppendLine("or two colored shapes move in a straight line between two cells of a 3x3 grid, or stay still, on a colored");
        card.AppendLine(string.Create(c, $"background. Generated directly in pixel space: ({ShapesVideoModel.PatchFrames}, {ShapesVideoModel.Patch}, {ShapesVideoModel.Patch}) patches make {ShapesVideoModel.TokenFrames} x {ShapesVideoModel.TokensPerSide} x {ShapesVideoModel.TokensPerSide} = {ShapesVideoModel.Tokens} video tokens of {ShapesVideoModel.TokenChannels} channels, with 3-axis RoPE over (frame, row, column); {model.TextTokens} text tokens."));
        card.AppendLine();
        card.AppendLine("| | |");
        card.AppendLine("|---|---|");
        card.AppendLine(string.Create(c, $"| transformer | `{HunyuanVideoClassName}`: {config.NumLayers} dual-stream + {config.NumSingleLayers} single-stream blocks, {config.NumRefinerLayers} token-refiner block, width {config.InnerDim} ({config.NumAttentionHeads} heads x {config.AttentionHeadDim}), RoPE axes [{string.Join(", ", config.RopeAxesDim)}] (theta {config.RopeTheta}), no guidance embedding: {model.Transformer.ParameterCount:N0} parameters |"));
        card.AppendLine(string.Create(c, $"| text encoder | word tokenizer ({model.Tokenizer.VocabularySize} ids, {model.Tokenizer.MaxLength} per prompt), {model.TextEncoder.Config.Layers}-layer transformer encoder, width {model.TextEncoder.Config.HiddenSize}, {model.TextEncoder.Config.Segments} per-object segment tokens (as the image model's): {textParameters:N0} parameters |"));
        card.AppendLine(string.Create(c, $"| weights | float32 safetensors, {bytes / 1e6:F1} MB in all (EMA weights) |"));
        card.AppendLine(string.Create(c, $"| training | {steps} steps x {o.GetProperty("BatchSize").GetInt32()} clips, AdamW lr {o.GetProperty("LearningRate").GetDouble()} (warm-up {o.GetProperty("WarmupSteps").GetInt32()}, cosine to 10%), weight decay {o.GetProperty("WeightDecay").GetDouble()}, clip {o.GetProperty("GradientClip").GetDouble()}, EMA {o.GetProperty("EmaDecay").GetDouble()}, conditioning dropout {o.GetProperty("ConditioningDropout").GetDouble()}, {o.GetProperty("TwoObjectShare").GetDouble():P0} two-object prompts, {o.GetProperty("StillShare").GetDouble():P0} of objects drawn still, logit-normal t, data seed {dataSeed} |"));
        card.AppendLine(string.Create(c, $"| wall time | {t.GetProperty("WallSeconds").GetDouble() / 60:F1} min on {t.GetProperty("Device").GetString()} with {t.GetProperty("Threads").GetInt32()} threads (2-core AMD EPYC 2.6 GHz, shared with other work during training) |"));
        card.AppendLine(string.Create(c, $"| final loss | {t.GetProperty("FinalLoss").GetDouble():F4} (mean of the last {o.GetProperty("LogEvery").GetInt32()} steps) |"));
        card.AppendLine(string.Create(c, $"| prompt fidelity | **{evaluation.Mean:F3}** mean over {n} prompts (prompt seed {evaluation.PromptSeed}, noise seeds {evaluation.NoiseSeed}..{evaluation.NoiseSeed + n - 1}; neither used in training), {options.Steps} steps, CFG {options.GuidanceScale}: one object {ModelCardCommand.Fidelity(evaluation.MeanOf(p => p.Objects.Count == 1))} ({evaluation.Prompts.Count(p => p.Objects.Count == 1)}), two objects {ModelCardCommand.Fidelity(evaluation.MeanOf(p => p.Objects.Count == 2))} ({evaluation.Prompts.Count(p => p.Objects.Count == 2)}); with motion {ModelCardCommand.Fidelity(evaluation.MeanOf(p => p.Objects.Any(x => !x.IsStill)))} ({evaluation.Prompts.Count(p => p.Objects.Any(x => !x.IsStill))}), all still {ModelCardCommand.Fidelity(evaluation.MeanOf(p => p.Objects.All(x => x.IsStill)))} ({evaluation.Prompts.Count(p => p.Objects.All(x => x.IsStill))}) |"));
        card.AppendLine(string.Create(c, $"| what the score found | of {objects.Count} objects: color {objects.Count(x => x.Found)}, size {objects.Count(x => x.SizeCorrect)}, shape {objects.Count(x => x.ShapeCorrect)}, start cell {objects.Count(x => x.StartCorrect)}, end cell {objects.Count(x => x.EndCorrect)}, path {objects.Count(x => x.PathCorrect)}, steady (no flicker) {objects.Count(x => x.Steady)}; backgrounds {evaluation.Reports.Count(r => r.BackgroundCorrect)}/{n}; {evaluation.Reports.Sum(r => r.SpuriousBlobs)} spurious blobs in {evaluation.Reports.Count(r => r.SpuriousBlobs > 0)} clips |"));
        card.AppendLine(string.Create(c, $"| scorer validation | {validation.Prompts} grammar prompts (seed {ValidationSeed}): rendered ground truth {validation.GroundTruth:F3}; motion reversed {validation.Reversed:F3} and first frame frozen {validation.Frozen:F3} (the {validation.WithMotion} prompts with motion); frame 3 emptied {validation.Flicker:F3}; uniform noise {validation.Noise:F3} |"));
        card.AppendLine(string.Create(c, $"| speed | {evaluation.SecondsPerClip:F2} s per {options.Steps}-step clip in batches of {batch}, {singleSeconds:F2} s for one clip alone (CFG doubles the batch) |"));
        card.AppendLine(string.Create(c, $"| determinism | same prompt + seed twice: {(repeatable ? "bit-identical" : "NOT identical")} |"));
        card.AppendLine();
        card.AppendLine(string.Create(c, $"Training data: step s draws its prompts from `ClipGrammar(seed = data_seed * 1000003 + s)`, renders them with SkiaSharp, and draws noise and times from a torch generator with the same seed, so a resumed run sees the same data. Prompt seeds used in training are therefore {dataSeed * 1000003}..{dataSeed * 1000003 + steps - 1}."));
        card.AppendLine();
        ModelCardCommand.AppendReproductionAndSamples(
            card,
            string.Create(c, $"dotnet run --project src/LesaHiCache.Cli -c Release -- train-model --video --output models/shapes-video --steps {steps} --batch {o.GetProperty("BatchSize").GetInt32()}"),
            string.Create(c, $"dotnet run --project src/LesaHiCache.Cli -c Release -- model-card models/shapes-video --prompts {n} --prompt-seed {evaluation.PromptSeed} --noise-seed {evaluation.NoiseSeed} --guidance {options.GuidanceScale} --steps {options.Steps}"),
            "The first 16 evaluation prompts, one clip per row, frames left to right:",
            evaluation.Prompts.Zip(evaluation.Reports, (p, r) => (p.Text, r.Score, r.Explain())));
        return card.ToString();
    }

    private const string HunyuanVideoClassName = LesaHiCache.Models.HunyuanVideo.HunyuanVideoTransformerConfig.DiffusersClassName;
}
