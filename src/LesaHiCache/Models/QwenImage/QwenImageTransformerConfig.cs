using System.Text.Json.Serialization;

namespace LesaHiCache.Models.QwenImage;

/// <summary>
/// Architecture of a Qwen-Image transformer, read from and written to a diffusers
/// <c>QwenImageTransformer2DModel</c> <c>config.json</c> (same field names and defaults). The
/// variants' switches (<c>zero_cond_t</c>, <c>use_additional_t_cond</c>, <c>use_layer3d_rope</c>, of
/// the edit and layered models) are read and refused: only the text-to-image model is built.
/// </summary>
public sealed record QwenImageTransformerConfig : IDiffusersConfig
{
    /// <summary>The diffusers class name this config describes.</summary>
    public const string DiffusersClassName = "QwenImageTransformer2DModel";

    /// <summary>diffusers class name; null when the file does not say.</summary>
    [JsonPropertyName("_class_name")]
    public string? ClassName { get; init; } = DiffusersClassName;

    /// <summary>Latent patch size: the pipeline packs p x p latent pixels into one token.</summary>
    [JsonPropertyName("patch_size")]
    public int PatchSize { get; init; } = 2;

    /// <summary>Channels per image token (latent channels x patch_size^2).</summary>
    [JsonPropertyName("in_channels")]
    public int InChannels { get; init; } = 64;

    /// <summary>Latent channels of the output; the output token has patch_size^2 times as many.</summary>
    [JsonPropertyName("out_channels")]
    public int? OutChannels { get; init; } = 16;

    /// <summary>Number of dual-stream blocks.</summary>
    [JsonPropertyName("num_layers")]
    public int NumLayers { get; init; } = 60;

    /// <summary>Channels per attention head.</summary>
    [JsonPropertyName("attention_head_dim")]
    public int AttentionHeadDim { get; init; } = 128;

    /// <summary>Number of attention heads.</summary>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; init; } = 24;

    /// <summary>Width of the text encoder's token features (Qwen2.5-VL hidden states).</summary>
    [JsonPropertyName("joint_attention_dim")]
    public int JointAttentionDim { get; init; } = 3584;

    /// <summary>Unused by the model (diffusers keeps the field); must be false.</summary>
    [JsonPropertyName("guidance_embeds")]
    public bool GuidanceEmbeds { get; init; }

    /// <summary>RoPE channels per position axis (frame, height, width); they sum to <see cref="AttentionHeadDim"/>.</summary>
    [JsonPropertyName("axes_dims_rope")]
    public IReadOnlyList<int> AxesDimsRope { get; init; } = [16, 56, 56];

    /// <summary>Qwen-Image-Edit-2511's per-token timestep modulation (not supported).</summary>
    [JsonPropertyName("zero_cond_t")]
    public bool ZeroCondT { get; init; }

    /// <summary>Qwen-Image-Layered's extra timestep condition (not supported).</summary>
    [JsonPropertyName("use_additional_t_cond")]
    public bool UseAdditionalTCond { get; init; }

    /// <summary>Qwen-Image-Layered's layer-aware RoPE (not supported).</summary>
    [JsonPropertyName("use_layer3d_rope")]
    public bool UseLayer3dRope { get; init; }

    /// <summary>Model width: heads x head dim.</summary>
    [JsonIgnore]
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Output channels per token: patch_size^2 x out_channels (in_channels when out_channels is null).</summary>
    [JsonIgnore]
    public int OutputChannels => PatchSize * PatchSize * (OutChannels ?? InChannels);

    /// <summary>Reads a config from a <c>config.json</c> path or a folder holding one.</summary>
    public static QwenImageTransformerConfig Load(string configOrFolder) => DiffusersConfigJson.Load<QwenImageTransformerConfig>(configOrFolder, "Qwen-Image transformer");

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    public static QwenImageTransformerConfig Parse(string json, string source = "config") => DiffusersConfigJson.Parse<QwenImageTransformerConfig>(json, source, "Qwen-Image transformer");

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
        Require(OutChannels is null or >= 1, "out_channels", OutChannels ?? 0);
        Require(NumLayers >= 0, "num_layers", NumLayers);
        Require(AttentionHeadDim >= 2, "attention_head_dim", AttentionHeadDim);
        Require(NumAttentionHeads >= 1, "num_attention_heads", NumAttentionHeads);
        Require(JointAttentionDim >= 1, "joint_attention_dim", JointAttentionDim);
        foreach (var (on, field) in new[] { (GuidanceEmbeds, "guidance_embeds"), (ZeroCondT, "zero_cond_t"), (UseAdditionalTCond, "use_additional_t_cond"), (UseLayer3dRope, "use_layer3d_rope") })
        {
            if (on)
            {
                throw new FormatException($"{source}: {field} = true is not supported (only the Qwen-Image text-to-image transformer is built).");
            }
        }

        if (AxesDimsRope is null || AxesDimsRope.Count != 3 || AxesDimsRope.Any(d => d <= 0 || d % 2 != 0))
        {
            throw new FormatException($"{source}: axes_dims_rope must be three positive even numbers.");
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
