using System.Text.Json;
using System.Text.Json.Serialization;

namespace LesaHiCache.Lesa;

/// <summary>
/// What a predictor was trained for, stored in its file's metadata: the model (fingerprint), the
/// sampler's step count and times, the schedule (name and full steps), the cached item, the
/// predictor's shape and CFG variant, and how it was trained. A predictor is only valid for the same model, times
/// and full steps.
/// </summary>
public sealed record LesaPredictorInfo
{
    /// <summary>JSON options of the metadata.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The model's <see cref="ModelFingerprint"/>.</summary>
    public required string ModelFingerprint { get; init; }

    /// <summary>A readable name of the model (not checked).</summary>
    public string? ModelName { get; init; }

    /// <summary>Sampler steps S.</summary>
    public required int Steps { get; init; }

    /// <summary>The sampler's times t_0 = 1 .. t_S = 0 (the gains' inputs).</summary>
    public required IReadOnlyList<double> Times { get; init; }

    /// <summary>The schedule's name.</summary>
    public required string Schedule { get; init; }

    /// <summary>The schedule's full steps over these times (null for schedules that decide while sampling).</summary>
    public IReadOnlyList<int>? FullSteps { get; init; }

    /// <summary>The cached item the predictor forecasts ("hidden": the model-level hidden state).</summary>
    public string Item { get; init; } = "hidden";

    /// <summary>Stages, history lengths and KAN shape.</summary>
    public required LesaConfig Config { get; init; }

    /// <summary>Whether the CFG halves have their own experts (files written before this field existed are <see cref="LesaCfgExperts.Shared"/>).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<LesaCfgExperts>))]
    public LesaCfgExperts CfgExperts { get; init; } = LesaCfgExperts.Shared;

    /// <summary>How it was trained (free text: data, steps, wall time, final losses).</summary>
    public string? Training { get; init; }

    /// <summary>Serialises to the metadata string.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses the metadata string.</summary>
    public static LesaPredictorInfo FromJson(string json) =>
        JsonSerializer.Deserialize<LesaPredictorInfo>(json, JsonOptions) ?? throw new FormatException("Empty LESA predictor metadata.");

    private bool PrintMembers(System.Text.StringBuilder builder) => Printed.Members(this, builder);
}
