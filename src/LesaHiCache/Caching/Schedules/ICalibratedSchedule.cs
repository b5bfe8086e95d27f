using LesaHiCache.Caching.Indicators;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// A schedule that needs a model's indicator calibration (TeaCache, MagCache). Made from a spec
/// without a file it is uncalibrated: a host that knows the model folder binds it with
/// <see cref="WithCalibration"/> (<c>evaluate</c> reads <c>calibration/*.json</c> there); a
/// generation with an uncalibrated schedule fails before its first step.
/// </summary>
public interface ICalibratedSchedule : ICacheSchedule
{
    /// <summary>The calibration it needs.</summary>
    IndicatorKind Needs { get; }

    /// <summary>Whether it has its calibration (or explicit values).</summary>
    bool IsCalibrated { get; }

    /// <summary>The same schedule with <paramref name="calibration"/> (of the kind it <see cref="Needs"/>), read from <paramref name="source"/> (for messages).</summary>
    ICalibratedSchedule WithCalibration(IndicatorCalibration calibration, string? source = null);
}
