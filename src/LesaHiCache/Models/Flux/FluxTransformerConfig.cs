using System.Text.Json.Serialization;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Architecture of a FLUX transformer, read from and written to a diffusers
/// <c>FluxTransformer2DModel</c> <c>config.json</c> (same field names and defaults).
/// </summary>
public sealed record FluxTransformerConfig : IDiffusersConfig
{
    /// <summary>The diffusers class name this config describes.</summary>
    public const string DiffusersClassName = "FluxTransformer2DModel";

    /// <summary>diffusers class name; null when the file does not say.</summary>
    [JsonPropertyName("_class_name")]
    public string? ClassName { get; init; } = DiffusersClassName;

    /// <summary>Patch size applied by the model itself (FLUX packs 2x2 outside, so 1).</summary>
    [JsonPropertyName("patch_size")]
    public int PatchSize { get; init; } = 1;

    /// <summary>Channels per image token.</summary>
    [JsonPropertyName("in_channels")]
    public int InChannels { get; init; } = 64;

    /// <summary>Output channels per token; defaults to <see cref="InChannels"/>.</summary>
    [JsonPropertyName("out_channels")]
    public int? OutChannels { get; init; }

    /// <summary>Number of double-stream blocks.</summary>
    [JsonPropertyName("num_layers")]
    public int NumLayers { get; init; } = 19;

    /// <summary>Number of single-stream blocks.</summary>
    [JsonPropertyName("num_single_layers")]
    public int NumSingleLayers { get; init; } = 38;

    /// <summary>Channels per attention head.</summary>
    [JsonPropertyName("attention_head_dim")]
    public int AttentionHeadDim { get; init; } = 128;

    /// <summary>Number of attention heads.</summary>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; init; } = 24;

    /// <summary>Width of the text token features.</summary>
    [JsonPropertyName("joint_attention_dim")]
    public int JointAttentionDim { get; init; } = 4096;

    /// <summary>Width of the pooled text vector.</summary>
    [JsonPropertyName("pooled_projection_dim")]
    public int PooledProjectionDim { get; init; } = 768;

    /// <summary>Whether a distilled guidance scale is embedded (FLUX.1-dev: true, schnell: false).</summary>
    [JsonPropertyName("guidance_embeds")]
    public bool GuidanceEmbeds { get; init; }

    /// <summary>RoPE channels per position axis; they sum to <see cref="AttentionHeadDim"/>.</summary>
    [JsonPropertyName("axes_dims_rope")]
    public IReadOnlyList<int> AxesDimsRope { get; init; } = [16, 56, 56];

    /// <summary>Model width: heads x head dim.</summary>
    [JsonIgnore]
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Output channels per token after defaults.</summary>
    [JsonIgnore]
    public int ResolvedOutChannels => OutChannels ?? InChannels;

    /// <summary>Reads a config from a <c>config.json</c> path or a folder holding one.</summary>
    public static FluxTransformerConfig Load(string configOrFolder) => DiffusersConfigJson.Load<FluxTransformerConfig>(configOrFolder, "FLUX transformer");

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    public static FluxTransformerConfig Parse(string json, string source = "config") => DiffusersConfigJson.Parse<FluxTransformerConfig>(json, source, "FLUX transformer");

    /// <summary>Writes this config as diffusers-style JSON.</summary>
    public string ToJson() => DiffusersConfigJson.ToJson(this);

    /// <summary>Checks the values describe a buildable model; throws naming the field otherwise.</summary>
    public void Validate(string source = "config")
    {
        if (ClassName is not null && ClassName != DiffusersClassName)
        {
            throw new FormatException($"{source}: _class_name is '{ClassName}', expected '{DiffusersClassName}'.");
        }

        Require(PatchSize >= 1, "patch_size", PatchSize);
        Require(InChannels >= 1, "in_channels", InChannels);
        Require(ResolvedOutChannels >= 1, "out_channels", ResolvedOutChannels);
        Require(NumLayers >= 0, "num_layers", NumLayers);
        Require(NumSingleLayers >= 0, "num_single_layers", NumSingleLayers);
        Require(AttentionHeadDim >= 2, "attention_head_dim", AttentionHeadDim);
        Require(NumAttentionHeads >= 1, "num_attention_heads", NumAttentionHeads);
        Require(JointAttentionDim >= 1, "joint_attention_dim", JointAttentionDim);
        Require(PooledProjectionDim >= 1, "pooled_projection_dim", PooledProjectionDim);
        if (AxesDimsRope is null || AxesDimsRope.Count == 0 || AxesDimsRope.Any(d => d <= 0 || d % 2 != 0))
        {
            throw new FormatException($"{source}: axes_dims_rope must be positive even numbers.");
        }

        if (AxesDimsRope.Sum() != AttentionHeadDim)
        {
            throw new FormatException(
                $"{source}: axes_dims_rope [{string.Join(", ", AxesDimsRope)}] sums to {AxesDimsRope.Sum()}, but attention_head_dim is {AttentionHeadDim}.");
        }

        void Require(bool ok, string field, int value)
        {
            if (!ok)
            {
                throw new FormatException($"{source}: {field} = {value} is out of range.");
            }
        }
    }

    private bool PrintMembers(System.Text.StringBuilder builder) => Printed.Members(this, builder);
}
