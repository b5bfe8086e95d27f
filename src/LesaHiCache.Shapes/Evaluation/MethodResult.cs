using System.Text.Json.Serialization;
using LesaHiCache.Caching;

namespace LesaHiCache.Shapes.Evaluation;

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

    /// <summary>
    /// The spread of the values an adaptive schedule compared with its threshold, over every step of
    /// every generation of the run (docs/indicators.md); null for schedules that compare none.
    /// </summary>
    [JsonPropertyName("indicator")]
    public IndicatorPercentiles? Indicator { get; init; }
}
