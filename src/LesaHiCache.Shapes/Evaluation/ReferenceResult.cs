using System.Text.Json.Serialization;

namespace LesaHiCache.Shapes.Evaluation;

/// <summary>The uncached reference's figures.</summary>
public sealed record ReferenceResult(
    [property: JsonPropertyName("seconds_per_image")] double SecondsPerImage,
    [property: JsonPropertyName("fidelity")] double Fidelity);
