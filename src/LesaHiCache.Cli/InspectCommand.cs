using System.CommandLine;
using System.Globalization;
using LesaHiCache.Layers;
using LesaHiCache.Models;
using LesaHiCache.Models.Flux;

namespace LesaHiCache.Cli;

/// <summary><c>inspect &lt;config.json | model folder&gt;</c>: architecture and exact parameter count, built on the meta device.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A diffusers transformer config.json, or a folder holding one." };
        var command = new Command("inspect", "Print a FLUX transformer's architecture and exact parameter count (allocates no weights).") { path };
        command.SetAction(parse => Run(parse.GetValue(path)!, Console.Out));
        return command;
    }

    public static int Run(string path, TextWriter output)
    {
        FluxTransformerConfig config;
        try
        {
            config = FluxTransformerConfig.Load(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or FormatException)
        {
            throw new UsageException($"inspect: {e.Message}", e);
        }

        using var model = new FluxTransformer(config, ModuleBuild.Meta);
        var summary = ParameterSummary.Of(model);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"FLUX transformer ({FluxTransformerConfig.DiffusersClassName}) from {path}"));
        output.WriteLine(string.Create(c, $"  width {config.InnerDim} = {config.NumAttentionHeads} heads x {config.AttentionHeadDim}, MLP {4 * config.InnerDim}"));
        output.WriteLine(string.Create(c, $"  blocks: {config.NumLayers} double-stream + {config.NumSingleLayers} single-stream"));
        output.WriteLine(string.Create(c, $"  inputs: image tokens {config.InChannels} ch, text tokens {config.JointAttentionDim} ch, pooled {config.PooledProjectionDim}"));
        output.WriteLine(string.Create(c, $"  outputs: {config.PatchSize * config.PatchSize * config.ResolvedOutChannels} ch per token (patch {config.PatchSize})"));
        output.WriteLine(string.Create(c, $"  RoPE axes [{string.Join(", ", config.AxesDimsRope)}], guidance embedding: {(config.GuidanceEmbeds ? "yes" : "no")}"));
        output.WriteLine("parameters:");
        foreach (var (name, count) in summary.Children)
        {
            output.WriteLine(string.Create(c, $"  {name,-28}{count,18:N0}"));
        }

        output.WriteLine(string.Create(c, $"  {"total",-28}{summary.Total,18:N0}"));
        output.WriteLine(string.Create(c, $"  weights: {summary.Total * 2 / 1e9:F2} GB in bf16/f16, {summary.Total * 4 / 1e9:F2} GB in f32"));
        return 0;
    }
}
