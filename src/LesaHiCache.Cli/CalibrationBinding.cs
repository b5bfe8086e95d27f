using LesaHiCache.Caching.Indicators;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Cli;

/// <summary>Binds indicator schedules given without a calibration file (<c>teacache:T</c>, <c>magcache:T</c>) to the model folder's calibration.</summary>
internal static class CalibrationBinding
{
    /// <summary>The schedules, each uncalibrated one bound to <c>calibration/*.json</c> of <paramref name="modelFolder"/>; a missing or bad file is a usage error naming it.</summary>
    public static IReadOnlyList<ScheduleSpec> Bind(IReadOnlyList<ScheduleSpec> specs, string modelFolder) =>
        [.. specs.Select(spec => spec.Schedule is ICalibratedSchedule { IsCalibrated: false } schedule ? spec with { Schedule = Bind(schedule, modelFolder, spec.Text) } : spec)];

    private static ICacheSchedule Bind(ICalibratedSchedule schedule, string modelFolder, string spec)
    {
        var path = IndicatorCalibrationFile.DefaultPath(modelFolder, schedule.Needs);
        try
        {
            return schedule.WithCalibration(Load(schedule.Needs, path, modelFolder, spec), path);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--schedules {spec}: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
    }

    private static IndicatorCalibration Load(IndicatorKind kind, string path, string modelFolder, string spec)
    {
        var name = kind == IndicatorKind.TeaCache ? "teacache" : "magcache";
        if (!File.Exists(path))
        {
            throw new UsageException($"--schedules {spec}: the model has no {name} calibration ('{path}'); run lesa-hicache calibrate --indicator {name} --model {modelFolder}, or give a file ({name}:...:PATH).");
        }

        try
        {
            return IndicatorCalibrationFile.Load(path);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--schedules {spec}: {e.Message}", e);
        }
    }
}
