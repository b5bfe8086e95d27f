using System.Globalization;
using System.Text.RegularExpressions;

namespace LesaHiCache.Weights;

/// <summary>
/// File naming used by diffusers' <c>save_pretrained</c> for safetensors weights:
/// <c>diffusion_pytorch_model.safetensors</c> for a single file, or
/// <c>diffusion_pytorch_model-00001-of-00003.safetensors</c> shards plus
/// <c>diffusion_pytorch_model.safetensors.index.json</c>.
/// </summary>
internal static class DiffusersWeightsNames
{
    /// <summary>The weights name diffusers uses for models (<c>diffusion_pytorch_model</c>).</summary>
    public const string DefaultWeightsName = "diffusion_pytorch_model";

    /// <summary>Extension of safetensors files.</summary>
    public const string SafetensorsExtension = ".safetensors";

    /// <summary>Single-file name, e.g. <c>diffusion_pytorch_model.safetensors</c>.</summary>
    /// <param name="weightsName">Base weights name.</param>
    public static string SingleFile(string weightsName) => weightsName + SafetensorsExtension;

    /// <summary>Index name, e.g. <c>diffusion_pytorch_model.safetensors.index.json</c>.</summary>
    /// <param name="weightsName">Base weights name.</param>
    public static string IndexFile(string weightsName) => weightsName + SafetensorsExtension + ".index.json";

    /// <summary>Shard name, e.g. <c>diffusion_pytorch_model-00001-of-00003.safetensors</c>.</summary>
    /// <param name="weightsName">Base weights name.</param>
    /// <param name="shardNumber">1-based shard number.</param>
    /// <param name="shardCount">Total number of shards.</param>
    public static string ShardFile(string weightsName, int shardNumber, int shardCount) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{weightsName}-{shardNumber:D5}-of-{shardCount:D5}{SafetensorsExtension}");

    /// <summary>Whether <paramref name="fileName"/> is a shard name for <paramref name="weightsName"/>.</summary>
    /// <param name="weightsName">Base weights name.</param>
    /// <param name="fileName">A file name without directory.</param>
    public static bool IsShardFile(string weightsName, string fileName) =>
        Regex.IsMatch(
            fileName,
            "^" + Regex.Escape(weightsName) + @"-[0-9]{5}-of-[0-9]{5}\.safetensors$",
            RegexOptions.CultureInvariant);
}
