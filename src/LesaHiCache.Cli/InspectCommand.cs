using System.CommandLine;
using System.Globalization;
using LesaHiCache.Layers;
using LesaHiCache.Models;
using LesaHiCache.Models.Flux;
using LesaHiCache.Models.HunyuanVideo;
using LesaHiCache.Models.QwenImage;
using LesaHiCache.Models.Wan;

namespace LesaHiCache.Cli;

/// <summary><c>inspect &lt;config.json | model folder&gt;</c>: architecture and exact parameter count, built on the meta device.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A diffusers transformer config.json, or a folder holding one." };
        var height = new Option<int?>("--height") { Description = "Output height in pixels: also print the cache memory of a generation (with --width)." };
        var width = new Option<int?>("--width") { Description = "Output width in pixels." };
        var frames = new Option<int>("--frames") { Description = "Frames of a video model's output.", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch") { Description = "Outputs per generation.", DefaultValueFactory = _ => 1 };
        var cfg = new Option<bool?>("--cfg") { Description = "Whether the generation runs CFG (doubling the rows); default: as the model's pipeline (Qwen-Image, Wan: yes; FLUX.1-dev, HunyuanVideo: no)." };
        var command = new Command("inspect", "Print a transformer's architecture and exact parameter count from its diffusers config (FLUX, Qwen-Image, HunyuanVideo, Wan; allocates no weights), and with --height/--width the cache memory of a generation.") { path, height, width, frames, batch, cfg };
        command.SetAction(parse =>
        {
            var (h, w) = (parse.GetValue(height), parse.GetValue(width));
            MemoryQuery? memory = null;
            if (h is not null || w is not null)
            {
                if (h is null || w is null)
                {
                    throw new UsageException("--height and --width go together.");
                }

                CliChecks.AtLeast(h.Value, 1, "--height");
                CliChecks.AtLeast(w.Value, 1, "--width");
                CliChecks.AtLeast(parse.GetValue(frames), 1, "--frames");
                CliChecks.AtLeast(parse.GetValue(batch), 1, "--batch");
                memory = new MemoryQuery(h.Value, w.Value, parse.GetValue(frames), parse.GetValue(batch), parse.GetValue(cfg));
            }

            return Run(parse.GetValue(path)!, Console.Out, memory);
        });
        return command;
    }

    public static int Run(string path, TextWriter output, MemoryQuery? memory = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var file = Directory.Exists(path) ? Path.Combine(path, "config.json") : path;
        return LesaHiCache.Models.DiffusersClassName.Of(file) switch
        {
            QwenImageTransformerConfig.DiffusersClassName => RunQwenImage(file, output, memory),
            HunyuanVideoTransformerConfig.DiffusersClassName => RunHunyuanVideo(file, output, memory),
            WanTransformerConfig.DiffusersClassName => RunWan(file, output, memory),
            null or FluxTransformerConfig.DiffusersClassName => RunFlux(path, output, memory),
            var other => throw new UsageException(
                $"inspect: '{file}' describes a {other}; inspect knows {FluxTransformerConfig.DiffusersClassName}, {QwenImageTransformerConfig.DiffusersClassName}, {HunyuanVideoTransformerConfig.DiffusersClassName} and {WanTransformerConfig.DiffusersClassName}."),
        };
    }

    private static int RunQwenImage(string file, TextWriter output, MemoryQuery? memory)
    {
        var config = Read(() => QwenImageTransformerConfig.Load(file));

        using var model = new QwenImageTransformer(config, ModuleBuild.Meta);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"Qwen-Image transformer ({QwenImageTransformerConfig.DiffusersClassName}) from {file}"));
        output.WriteLine(string.Create(c, $"  width {config.InnerDim} = {config.NumAttentionHeads} heads x {config.AttentionHeadDim}, MLP {4 * config.InnerDim}"));
        output.WriteLine(string.Create(c, $"  blocks: {config.NumLayers} dual-stream"));
        output.WriteLine(string.Create(c, $"  inputs: image tokens {config.InChannels} ch (patch {config.PatchSize}), text tokens {config.JointAttentionDim} ch"));
        output.WriteLine(string.Create(c, $"  outputs: {config.OutputChannels} ch per token"));
        output.WriteLine(string.Create(c, $"  RoPE axes [{string.Join(", ", config.AxesDimsRope)}] (frame, row, column; centred image, text after it)"));
        WriteParameters(ParameterSummary.Of(model), output);
        if (memory is not null)
        {
            var rows = memory.Batch * (memory.Cfg ?? true ? 2 : 1);
            var tokens = MemoryQuery.Side(memory.Height, config.PatchSize, "--height") * MemoryQuery.Side(memory.Width, config.PatchSize, "--width");
            CacheMemoryTable.Write(output, model.CacheMemory, rows, tokens, $"{memory.Width}x{memory.Height}, batch {memory.Batch}{(memory.Cfg ?? true ? ", true CFG" : "")}");
        }

        return 0;
    }

    private static int RunHunyuanVideo(string file, TextWriter output, MemoryQuery? memory)
    {
        var config = Read(() => HunyuanVideoTransformerConfig.Load(file));

        using var model = new HunyuanVideoTransformer(config, ModuleBuild.Meta);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"HunyuanVideo transformer ({HunyuanVideoTransformerConfig.DiffusersClassName}) from {file}"));
        output.WriteLine(string.Create(c, $"  width {config.InnerDim} = {config.NumAttentionHeads} heads x {config.AttentionHeadDim}, MLP {4 * config.InnerDim}"));
        output.WriteLine(string.Create(c, $"  blocks: {config.NumLayers} dual-stream + {config.NumSingleLayers} single-stream; text refiner: {config.NumRefinerLayers} blocks"));
        output.WriteLine(string.Create(c, $"  inputs: latents {config.InChannels} ch in ({config.PatchSizeT}, {config.PatchSize}, {config.PatchSize}) patches, text tokens {config.TextEmbedDim} ch, pooled {config.PooledProjectionDim}"));
        output.WriteLine(string.Create(c, $"  RoPE axes [{string.Join(", ", config.RopeAxesDim)}] (frame, row, column), theta {config.RopeTheta}, guidance embedding: {(config.GuidanceEmbeds ? "yes" : "no")}"));
        WriteParameters(ParameterSummary.Of(model), output);
        if (memory is not null)
        {
            var rows = memory.Batch * (memory.Cfg ?? false ? 2 : 1);
            var tokens = (memory.LatentFrames / config.PatchSizeT) * MemoryQuery.Side(memory.Height, config.PatchSize, "--height") * MemoryQuery.Side(memory.Width, config.PatchSize, "--width");
            CacheMemoryTable.Write(output, model.CacheMemory, rows, tokens, $"{memory.Width}x{memory.Height}x{memory.Frames} frames ({memory.LatentFrames} latent), batch {memory.Batch}{(memory.Cfg ?? false ? ", CFG" : "")}");
        }

        return 0;
    }

    private static int RunWan(string file, TextWriter output, MemoryQuery? memory)
    {
        var config = Read(() => WanTransformerConfig.Load(file));
        using var model = new WanTransformer(config, ModuleBuild.Meta);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"Wan transformer ({WanTransformerConfig.DiffusersClassName}) from {file}"));
        output.WriteLine(string.Create(c, $"  width {config.InnerDim} = {config.NumAttentionHeads} heads x {config.AttentionHeadDim}, FFN {config.FfnDim}"));
        output.WriteLine(string.Create(c, $"  blocks: {config.NumLayers} (self-attention, cross-attention to the text, FFN)"));
        output.WriteLine(string.Create(c, $"  inputs: latents {config.InChannels} ch in ({string.Join(", ", config.PatchSize)}) patches, text tokens {config.TextDim} ch"));
        output.WriteLine(string.Create(c, $"  RoPE axes [{string.Join(", ", config.RopeAxesDims)}] (frame, row, column)"));
        WriteParameters(ParameterSummary.Of(model), output);
        if (memory is not null)
        {
            var rows = memory.Batch * (memory.Cfg ?? true ? 2 : 1);
            var tokens = (memory.LatentFrames / config.PatchSize[0]) * MemoryQuery.Side(memory.Height, config.PatchSize[1], "--height") * MemoryQuery.Side(memory.Width, config.PatchSize[2], "--width");
            CacheMemoryTable.Write(output, model.CacheMemory, rows, tokens, $"{memory.Width}x{memory.Height}x{memory.Frames} frames ({memory.LatentFrames} latent), batch {memory.Batch}{(memory.Cfg ?? true ? ", CFG" : "")}");
        }

        return 0;
    }

    /// <summary>Reads a config; a file that does not describe a buildable model is a usage error.</summary>
    private static T Read<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or FormatException)
        {
            throw new UsageException($"inspect: {e.Message}", e);
        }
    }

    private static void WriteParameters(ParameterSummary summary, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("parameters:");
        foreach (var (name, count) in summary.Children)
        {
            output.WriteLine(string.Create(c, $"  {name,-28}{count,18:N0}"));
        }

        output.WriteLine(string.Create(c, $"  {"total",-28}{summary.Total,18:N0}"));
        output.WriteLine(string.Create(c, $"  weights: {summary.Total * 2 / 1e9:F2} GB in bf16/f16, {summary.Total * 4 / 1e9:F2} GB in f32"));
    }

    private static int RunFlux(string path, TextWriter output, MemoryQuery? memory)
    {
        var config = Read(() => FluxTransformerConfig.Load(path));

        using var model = new FluxTransformer(config, ModuleBuild.Meta);
        var summary = ParameterSummary.Of(model);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"FLUX transformer ({FluxTransformerConfig.DiffusersClassName}) from {path}"));
        output.WriteLine(string.Create(c, $"  width {config.InnerDim} = {config.NumAttentionHeads} heads x {config.AttentionHeadDim}, MLP {4 * config.InnerDim}"));
        output.WriteLine(string.Create(c, $"  blocks: {config.NumLayers} double-stream + {config.NumSingleLayers} single-stream"));
        output.WriteLine(string.Create(c, $"  inputs: image tokens {config.InChannels} ch, text tokens {config.JointAttentionDim} ch, pooled {config.PooledProjectionDim}"));
        output.WriteLine(string.Create(c, $"  outputs: {config.PatchSize * config.PatchSize * config.ResolvedOutChannels} ch per token (patch {config.PatchSize})"));
        output.WriteLine(string.Create(c, $"  RoPE axes [{string.Join(", ", config.AxesDimsRope)}], guidance embedding: {(config.GuidanceEmbeds ? "yes" : "no")}"));
        WriteParameters(summary, output);
        if (memory is not null)
        {
            var rows = memory.Batch * (memory.Cfg ?? false ? 2 : 1);
            var tokens = MemoryQuery.Side(memory.Height, 2, "--height") * MemoryQuery.Side(memory.Width, 2, "--width");
            CacheMemoryTable.Write(output, model.CacheMemory, rows, tokens, $"{memory.Width}x{memory.Height}, batch {memory.Batch}{(memory.Cfg ?? false ? ", CFG" : "")}");
        }

        return 0;
    }
}
