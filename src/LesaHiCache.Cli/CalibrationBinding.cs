using LesaHiCache.Caching.Indicators;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Cli;

/// <summary>Binds indicator schedules given without a calibration file (<c>teacache:T</c>, <c>magcache:T</c>) to the model folder's calibration.</summary>
internal static class CalibrationBinding
{
    /// <summary>The schedules, each uncalibrated one bound to <c>calibration/*.json</c> of <paramref name="modelFolder"/>; a missing or bad file is a usage error naming it.</summary>
    public static IReadOnlyList<ScheduleSpec> Bind(IReadOnlyList<ScheduleSpec> specs, string modelFolder) =>
        [.. specs.Select(spec => spec.Schedule is ICalibratedSchedule { IsCalibrated: false } schedule ? spec with { Schedule = schedule.WithCalibration(Load(schedule.Needs, modelFolder, spec.Text), IndicatorCalibrationFile.DefaultPath(modelFolder, schedule.Needs)) } : spec)];

    private static IndicatorCalibration Load(IndicatorKind kind, string modelFolder, string spec)
    {
        var path = IndicatorCalibrationFile.DefaultPath(modelFolder, kind);
        var name = kind == IndicatorKind.TeaCache ? "teacache" : "magcache";
        if (!File.Exists(path))
        {
            throw new UsageException($"--schedules {spec}: the model has no {name} calibration ('{path}'); run lesa-hicache calibrate --indicator {name} --model {modelFolder}, or give a file ({name}:...:PATH).");
        }

        try
        {
            var calibration = IndicatorCalibrationFile.Load(path);
            if (calibration.Indicator != kind)
            {
                throw new FormatException($"'{path}' holds a {calibration.Indicator} calibration, not a {kind} one.");
            }

            return calibration;
        }
        catch (FormatException e)
        {
            throw new UsageException($"--schedules {spec}: {e.Message}", e);
        }
    }
}
