using System.Text.Json.Serialization;

namespace LesaHiCache.Shapes.Evaluation;

/// <summary>
/// What <see cref="Evaluator"/> measured. The reference and every run are interleaved batch by
/// batch. Wall times are medians over repeats of the per-image time; a wall speedup is the median,
/// over repeats and batches, of the reference's time on a batch over the run's time on the same
/// batch. Quality is the mean over images.
/// </summary>
public sealed record EvaluationReport(
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("prompts")] int Prompts,
    [property: JsonPropertyName("prompt_seed")] int PromptSeed,
    [property: JsonPropertyName("noise_seed")] long NoiseSeed,
    [property: JsonPropertyName("batch")] int Batch,
    [property: JsonPropertyName("repeats")] int Repeats,
    [property: JsonPropertyName("guidance_scale")] double GuidanceScale,
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("complete")] bool Complete,
    [property: JsonPropertyName("reference")] ReferenceResult Reference,
    [property: JsonPropertyName("results")] IReadOnlyList<MethodResult> Results)
{
    /// <summary>How many prompts the sample skipped as excluded (e.g. evaluation prompts kept out of a validation run).</summary>
    [JsonPropertyName("excluded_prompts")]
    public int ExcludedPrompts { get; init; }
}
