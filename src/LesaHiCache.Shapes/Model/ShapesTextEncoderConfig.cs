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

        return config;
    }
}
