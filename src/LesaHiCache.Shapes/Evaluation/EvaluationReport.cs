using System.Text.Json.Serialization;

namespace LesaHiCache.Shapes.Evaluation;

/// <summary>The uncached reference's figures.</summary>
public sealed record ReferenceResult(
    [property: JsonPropertyName("seconds_per_image")] double SecondsPerImage,
    [property: JsonPropertyName("fidelity")] double Fidelity);

/// <summary>One method x schedule, compared with the reference on the same prompts and seeds.</summary>
public sealed record MethodResult(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("schedule")] string Schedule,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("full_steps")] double FullSteps,
    [property: JsonPropertyName("nfe_speedup")] double NfeSpeedup,
    [property: JsonPropertyName("wall_speedup")] double WallSpeedup,
    [property: JsonPropertyName("seconds_per_image")] double SecondsPerImage,
    [property: JsonPropertyName("psnr_db")] double PsnrDb,
    [property: JsonPropertyName("ssim")] double Ssim,
    [property: JsonPropertyName("rel_l1")] double RelativeL1,
    [property: JsonPropertyName("fidelity")] double Fidelity,
    [property: JsonPropertyName("cache_mib")] double CacheMib,
    [property: JsonPropertyName("forecast_ms_per_step")] double ForecastMsPerStep)
{
    /// <summary>(repeat, batch) pairs behind the wall speedup.</summary>
    [JsonPropertyName("pairs")]
    public int Pairs { get; init; }

    /// <summary>10th percentile of the pair ratios.</summary>
    [JsonPropertyName("wall_speedup_p10")]
    public double WallSpeedupP10 { get; init; }

    /// <summary>90th percentile of the pair ratios.</summary>
    [JsonPropertyName("wall_speedup_p90")]
    public double WallSpeedupP90 { get; init; }

    /// <summary>The machine was disturbed during the run: the median exceeds the NFE speedup, or the pair ratios spread too wide (see <see cref="LesaHiCache.Evaluation.PairedSpeedup"/>).</summary>
    [JsonPropertyName("disturbed")]
    public bool Disturbed { get; init; }

    /// <summary>Why the run counts as disturbed; null when it does not.</summary>
    [JsonPropertyName("disturbed_because")]
    public string? DisturbedBecause { get; init; }
}

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
