using System.Text.Json.Serialization;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// Architecture of a Wan 2.1 transformer, read from and written to a diffusers
/// <c>WanTransformer3DModel</c> <c>config.json</c> (same field names and defaults). Only the
/// text-to-video model is built: the image-to-video fields (<c>image_dim</c>,
/// <c>added_kv_proj_dim</c>, <c>pos_embed_seq_len</c>) are read and refused unless null.
/// </summary>
public sealed record WanTransformerConfig : IDiffusersConfig
{
    /// <summary>The diffusers class name this config describes.</summary>
    public const string DiffusersClassName = "WanTransformer3DModel";

    /// <summary>The only query/key normalisation diffusers builds: RMSNorm over all heads together.</summary>
    public const string RmsNormAcrossHeads = "rms_norm_across_heads";

    /// <summary>diffusers class name; null when the file does not say.</summary>
    [JsonPropertyName("_class_name")]
    public string? ClassName { get; init; } = DiffusersClassName;

    /// <summary>3D patch (frames, height, width): the Conv3d patch embedding's kernel and stride.</summary>
    [JsonPropertyName("patch_size")]
    public IReadOnlyList<int> PatchSize { get; init; } = [1, 2, 2];

    /// <summary>Number of attention heads.</summary>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; init; } = 40;

    /// <summary>Channels per attention head.</summary>
    [JsonPropertyName("attention_head_dim")]
    public int AttentionHeadDim { get; init; } = 128;

    /// <summary>Latent channels of the input video.</summary>
    [JsonPropertyName("in_channels")]
    public int InChannels { get; init; } = 16;

    /// <summary>Latent channels of the output (in_channels when null).</summary>
    [JsonPropertyName("out_channels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? OutChannels { get; init; } = 16;

    /// <summary>Width of the text encoder's token features (UMT5-XXL hidden states).</summary>
    [JsonPropertyName("text_dim")]
    public int TextDim { get; init; } = 4096;

    /// <summary>Channels of the sinusoidal timestep features.</summary>
    [JsonPropertyName("freq_dim")]
    public int FreqDim { get; init; } = 256;

    /// <summary>Hidden width of each block's feed-forward network.</summary>
    [JsonPropertyName("ffn_dim")]
    public int FfnDim { get; init; } = 13824;

    /// <summary>Number of transformer blocks.</summary>
    [JsonPropertyName("num_layers")]
    public int NumLayers { get; init; } = 40;

    /// <summary>Whether the cross-attention input goes through an affine LayerNorm (<c>norm2</c>).</summary>
    [JsonPropertyName("cross_attn_norm")]
    public bool CrossAttnNorm { get; init; } = true;

    /// <summary>Query/key normalisation; only <see cref="RmsNormAcrossHeads"/> is supported.</summary>
    [JsonPropertyName("qk_norm")]
    public string? QkNorm { get; init; } = RmsNormAcrossHeads;

    /// <summary>Epsilon of the layer and RMS norms.</summary>
    [JsonPropertyName("eps")]
    public double Eps { get; init; } = 1e-6;

    /// <summary>Image-to-video CLIP feature width (not supported: must be null).</summary>
    [JsonPropertyName("image_dim")]
    public int? ImageDim { get; init; }

    /// <summary>Image-to-video added key/value projections (not supported: must be null).</summary>
    [JsonPropertyName("added_kv_proj_dim")]
    public int? AddedKvProjDim { get; init; }

    /// <summary>Positions per axis the RoPE tables cover: frames, rows and columns of tokens must each be at most this.</summary>
    [JsonPropertyName("rope_max_seq_len")]
    public int RopeMaxSeqLen { get; init; } = 1024;

    /// <summary>Image embedding positions of the FLF2V model (not supported: must be null).</summary>
    [JsonPropertyName("pos_embed_seq_len")]
    public int? PosEmbedSeqLen { get; init; }

    /// <summary>Model width: heads x head dim.</summary>
    [JsonIgnore]
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Latent channels of the output (in_channels when out_channels is null).</summary>
    [JsonIgnore]
    public int OutputLatentChannels => OutChannels ?? InChannels;

    /// <summary>Latent values per patch: patch_size[0] x patch_size[1] x patch_size[2].</summary>
    [JsonIgnore]
    public int PatchVolume => PatchSize[0] * PatchSize[1] * PatchSize[2];

    /// <summary>RoPE channels per axis (frames, height, width), as diffusers' <c>WanRotaryPosEmbed</c> splits the head: h = w = 2 (head_dim / 6), t = head_dim - h - w.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> RopeAxesDims
    {
        get
        {
            var hw = 2 * (AttentionHeadDim / 6);
            return [AttentionHeadDim - (2 * hw), hw, hw];
        }
    }

    /// <summary>Reads a config from a <c>config.json</c> path or a folder holding one.</summary>
    public static WanTransformerConfig Load(string configOrFolder) => DiffusersConfigJson.Load<WanTransformerConfig>(configOrFolder, "Wan transformer");

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    public static WanTransformerConfig Parse(string json, string source = "config") => DiffusersConfigJson.Parse<WanTransformerConfig>(json, source, "Wan transformer");

    /// <summary>Writes this config as diffusers-style JSON.</summary>
    public string ToJson() => DiffusersConfigJson.ToJson(this);

    /// <summary>Checks the values describe a buildable model; throws naming the field otherwise.</summary>
    public void Validate(string source = "config")
    {
        if (ClassName is not null && ClassName != DiffusersClassName)
        {
            throw new FormatException($"{source}: _class_name is '{ClassName}', expected '{DiffusersClassName}'.");
        }

        if (PatchSize is null || PatchSize.Count != 3 || PatchSize.Any(p => p < 1))
        {
            throw new FormatException($"{source}: patch_size must be three positive numbers (frames, height, width).");
        }

        Require(NumAttentionHeads >= 1, "num_attention_heads", NumAttentionHeads);
        Require(AttentionHeadDim >= 6 && AttentionHeadDim % 2 == 0, "attention_head_dim", AttentionHeadDim);
        Require(InChannels >= 1, "in_channels", InChannels);
        Require(OutChannels is null or >= 1, "out_channels", OutChannels ?? 0);
        Require(TextDim >= 1, "text_dim", TextDim);
        Require(FreqDim >= 2 && FreqDim % 2 == 0, "freq_dim", FreqDim);
        Require(FfnDim >= 1, "ffn_dim", FfnDim);
        Require(NumLayers >= 0, "num_layers", NumLayers);
        Require(RopeMaxSeqLen >= 1, "rope_max_seq_len", RopeMaxSeqLen);
        if (!(Eps > 0))
        {
            throw new FormatException($"{source}: eps = {Eps} is out of range.");
        }

        if (QkNorm != RmsNormAcrossHeads)
        {
            throw new FormatException($"{source}: qk_norm = '{QkNorm ?? "null"}' is not supported (only '{RmsNormAcrossHeads}').");
        }

        foreach (var (value, field) in new[] { (ImageDim, "image_dim"), (AddedKvProjDim, "added_kv_proj_dim"), (PosEmbedSeqLen, "pos_embed_seq_len") })
        {
            if (value is not null)
            {
                throw new FormatException($"{source}: {field} = {value} is not supported (only the Wan text-to-video transformer is built; it must be null).");
            }
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
