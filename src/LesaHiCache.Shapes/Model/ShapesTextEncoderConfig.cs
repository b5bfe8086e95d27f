using System.Text.Json;
using System.Text.Json.Serialization;

namespace LesaHiCache.Shapes.Model;

/// <summary>Architecture of the small text encoder (stored as text_encoder/config.json).</summary>
public sealed record ShapesTextEncoderConfig
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Number of token ids, padding included.</summary>
    [JsonPropertyName("vocab_size")]
    public int VocabSize { get; init; }

    /// <summary>Tokens per prompt.</summary>
    [JsonPropertyName("max_position_embeddings")]
    public int MaxLength { get; init; } = 24;

    /// <summary>Feature width (also the width of the pooled vector).</summary>
    [JsonPropertyName("hidden_size")]
    public int HiddenSize { get; init; } = 64;

    /// <summary>Transformer layers.</summary>
    [JsonPropertyName("num_hidden_layers")]
    public int Layers { get; init; } = 2;

    /// <summary>Attention heads.</summary>
    [JsonPropertyName("num_attention_heads")]
    public int Heads { get; init; } = 4;

    /// <summary>
    /// Per-object tokens: ids that open a new segment of the prompt (the first object, then one segment
    /// per id: "and" opens the second object, "on" the background). When set, every token gets its
    /// segment's learned embedding and the output ends with one token per segment (the mean of its
    /// tokens, projected), so each object's color, shape, size and position sit in one token.
    /// Empty (models trained before this existed): word tokens only.
    /// </summary>
    [JsonPropertyName("segment_separator_ids")]
    public IReadOnlyList<int> SegmentSeparatorIds { get; init; } = [];

    /// <summary>
    /// With segments: output only the per-segment tokens, not the word tokens before them, so the
    /// transformer attends to 3 text tokens instead of 3 + <see cref="MaxLength"/> (each segment token
    /// is already its object's words, encoded and averaged). False (the default, and every model trained
    /// before this existed): word tokens, then segment tokens.
    /// </summary>
    [JsonPropertyName("segment_tokens_only")]
    public bool SegmentTokensOnly { get; init; }

    /// <summary>Text tokens the encoder outputs per prompt.</summary>
    [JsonIgnore]
    public int OutputTokens => SegmentTokensOnly ? Segments : MaxLength + Segments;

    /// <summary>Segments of a prompt: one before the first separator, one after each.</summary>
    [JsonIgnore]
    public int Segments => SegmentSeparatorIds.Count == 0 ? 0 : SegmentSeparatorIds.Count + 1;

    /// <summary>Writes JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads JSON; throws <see cref="FormatException"/> naming <paramref name="source"/> when invalid.</summary>
    public static ShapesTextEncoderConfig Parse(string json, string source)
    {
        ShapesTextEncoderConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ShapesTextEncoderConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not a valid text encoder config ({e.Message}).", e);
        }

        if (config is null || config.VocabSize < 2 || config.MaxLength < 1 || config.Layers < 0 || config.Heads < 1 || config.HiddenSize % config.Heads != 0)
        {
            throw new FormatException($"{source}: vocab_size, max_position_embeddings, num_hidden_layers or num_attention_heads is out of range.");
        }

        if (config.SegmentSeparatorIds is null || config.SegmentSeparatorIds.Any(id => id < 1 || id >= config.VocabSize) || config.SegmentSeparatorIds.Distinct().Count() != config.SegmentSeparatorIds.Count)
        {
            throw new FormatException($"{source}: segment_separator_ids must be distinct token ids in 1..{config.VocabSize - 1}.");
        }

        if (config.SegmentTokensOnly && config.Segments == 0)
        {
            throw new FormatException($"{source}: segment_tokens_only needs segment_separator_ids.");
        }

        return config;
    }
}
