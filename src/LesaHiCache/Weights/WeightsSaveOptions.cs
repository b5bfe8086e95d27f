using TorchSharp;

namespace LesaHiCache.Weights;

/// <summary>Options for <see cref="WeightsSaver"/>.</summary>
public sealed class WeightsSaveOptions
{
    /// <summary>diffusers' default <c>max_shard_size</c>, "10GB" (10^10 bytes).</summary>
    public const long DefaultMaxShardBytes = 10_000_000_000;

    /// <summary>Default options: 10 GB shards, tensors kept in their own dtype.</summary>
    public static WeightsSaveOptions Default { get; } = new();

    /// <summary>
    /// Largest shard, in bytes, when saving to a folder (a single tensor larger than this gets its own shard).
    /// Ignored when saving to a single <c>.safetensors</c> file.
    /// </summary>
    public long MaxShardBytes { get; init; } = DefaultMaxShardBytes;

    /// <summary>
    /// When set (a floating-point type), floating-point tensors are written in this dtype; other tensors keep theirs.
    /// </summary>
    public torch.ScalarType? DType { get; init; }

    /// <summary>Base name of the files written into a folder (default <c>diffusion_pytorch_model</c>).</summary>
    public string WeightsName { get; init; } = DiffusersWeightsNames.DefaultWeightsName;

    /// <summary>Extra <c>__metadata__</c> entries; <c>"format": "pt"</c> is always written.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
