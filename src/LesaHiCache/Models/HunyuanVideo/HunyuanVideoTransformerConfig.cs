using System.Text.Json.Serialization;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>
/// Architecture of a HunyuanVideo transformer, read from and written to a diffusers
/// <c>HunyuanVideoTransformer3DModel</c> <c>config.json</c> (same field names and defaults). The
/// image-to-video variants (<c>image_condition_type</c>) are refused: only text-to-video is built.
/// </summary>
public sealed record HunyuanVideoTransformerConfig : IDiffusersConfig
{
    /// <summary>The diffusers class name this config describes.</summary>
    public const string DiffusersClassName = "HunyuanVideoTransformer3DModel";

    /// <summary>diffusers class name; null when the file does not say.</summary>
    [JsonPropertyName("_class_name")]
    public string? ClassName { get; init; } = DiffusersClassName;

    /// <summary>Latent channels.</summary>
    [JsonPropertyName("in_channels")]
    public int InChannels { get; init; } = 16;

    /// <summary>Output latent channels.</summary>
    [JsonPropertyName("out_channels")]
    public int OutChannels { get; init; } = 16;

    /// <summary>Number of attention heads.</summary>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; init; } = 24;

    /// <summary>Channels per attention head.</summary>
    [JsonPropertyName("attention_head_dim")]
    public int AttentionHeadDim { get; init; } = 128;

    /// <summary>Number of dual-stream blocks.</summary>
    [JsonPropertyName("num_layers")]
    public int NumLayers { get; init; } = 20;

    /// <summary>Number of single-stream blocks.</summary>
    [JsonPropertyName("num_single_layers")]
    public int NumSingleLayers { get; init; } = 40;

    /// <summary>Number of blocks of the text token refiner.</summary>
    [JsonPropertyName("num_refiner_layers")]
    public int NumRefinerLayers { get; init; } = 2;

    /// <summary>MLP width over model width (only 4 is supported: the blocks' MLPs are built 4x wide).</summary>
    [JsonPropertyName("mlp_ratio")]
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>Spatial patch size.</summary>
    [JsonPropertyName("patch_size")]
    public int PatchSize { get; init; } = 2;

    /// <summary>Temporal patch size.</summary>
    [JsonPropertyName("patch_size_t")]
    public int PatchSizeT { get; init; } = 1;

    /// <summary>Query/key normalisation (only "rms_norm").</summary>
    [JsonPropertyName("qk_norm")]
    public string QkNorm { get; init; } = "rms_norm";

    /// <summary>Whether a distilled guidance scale is embedded (HunyuanVideo: true).</summary>
    [JsonPropertyName("guidance_embeds")]
    public bool GuidanceEmbeds { get; init; } = true;

    /// <summary>Width of the text encoder's token features (LLaVA-LLaMA hidden states).</summary>
    [JsonPropertyName("text_embed_dim")]
    public int TextEmbedDim { get; init; } = 4096;

    /// <summary>Width of the pooled text vector (CLIP).</summary>
    [JsonPropertyName("pooled_projection_dim")]
    public int PooledProjectionDim { get; init; } = 768;

    /// <summary>RoPE base.</summary>
    [JsonPropertyName("rope_theta")]
    public double RopeTheta { get; init; } = 256.0;

    /// <summary>RoPE channels per position axis (frame, height, width); they sum to <see cref="AttentionHeadDim"/>.</summary>
    [JsonPropertyName("rope_axes_dim")]
    public IReadOnlyList<int> RopeAxesDim { get; init; } = [16, 56, 56];

    /// <summary>The image-to-video variants' conditioning (not supported).</summary>
    [JsonPropertyName("image_condition_type")]
    public string? ImageConditionType { get; init; }

    /// <summary>Model width: heads x head dim.</summary>
    [JsonIgnore]
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Channels of a packed latent token: in_channels x patch_size_t x patch_size^2.</summary>
    [JsonIgnore]
    public int TokenChannels => InChannels * PatchSizeT * PatchSize * PatchSize;

    /// <summary>Reads a config from a <c>config.json</c> path or a folder holding one.</summary>
    public static HunyuanVideoTransformerConfig Load(string configOrFolder) => DiffusersConfigJson.Load<HunyuanVideoTransformerConfig>(configOrFolder, "HunyuanVideo transformer");

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    public static HunyuanVideoTransformerConfig Parse(string json, string source = "config") => DiffusersConfigJson.Parse<HunyuanVideoTransformerConfig>(json, source, "HunyuanVideo transformer");

    /// <summary>Writes this config as diffusers-style JSON.</summary>
    public string ToJson() => DiffusersConfigJson.ToJson(this);

    /// <summary>Checks the values describe a buildable model; throws naming the field otherwise.</summary>
    public void Validate(string source = "config")
    {
        if (ClassName is not null && ClassName != DiffusersClassName)
        {
            throw new FormatException($"{source}: _class_name is '{ClassName}', expected '{DiffusersClassName}'.");
        }

        Require(InChannels >= 1, "in_channels", InChannels);
        Require(OutChannels >= 1, "out_channels", OutChannels);
        Require(NumAttentionHeads >= 1, "num_attention_heads", NumAttentionHeads);
        Require(AttentionHeadDim >= 2, "attention_head_dim", AttentionHeadDim);
        Require(NumLayers >= 0, "num_layers", NumLayers);
        Require(NumSingleLayers >= 0, "num_single_layers", NumSingleLayers);
        Require(NumRefinerLayers >= 0, "num_refiner_layers", NumRefinerLayers);
        Require(PatchSize >= 1, "patch_size", PatchSize);
        Require(PatchSizeT >= 1, "patch_size_t", PatchSizeT);
        Require(TextEmbedDim >= 1, "text_embed_dim", TextEmbedDim);
        Require(PooledProjectionDim >= 1, "pooled_projection_dim", PooledProjectionDim);
        if (MlpRatio != 4.0)
        {
            throw new FormatException($"{source}: mlp_ratio = {MlpRatio} is not supported (only 4.0).");
        }

        if (QkNorm != "rms_norm")
        {
            throw new FormatException($"{source}: qk_norm = '{QkNorm}' is not supported (only 'rms_norm').");
        }

        if (ImageConditionType is not null)
        {
            throw new FormatException($"{source}: image_condition_type = '{ImageConditionType}' is not supported (only the text-to-video transformer is built).");
        }

        if (!double.IsFinite(RopeTheta) || RopeTheta <= 1)
        {
            throw new FormatException($"{source}: rope_theta = {RopeTheta} is out of range.");
        }

        if (RopeAxesDim is null || RopeAxesDim.Count != 3 || RopeAxesDim.Any(d => d <= 0 || d % 2 != 0))
        {
            throw new FormatException($"{source}: rope_axes_dim must be three positive even numbers.");
        }

        if (RopeAxesDim.Sum() != AttentionHeadDim)
        {
            throw new FormatException(
                $"{source}: rope_axes_dim [{string.Join(", ", RopeAxesDim)}] sums to {RopeAxesDim.Sum()}, but attention_head_dim is {AttentionHeadDim}.");
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
