namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// The papers' step patterns by name (docs/algorithms.md, section 7), for 50-step generations:
/// TaylorSeer/HiCache's counter rule with W = 3 and LESA's, which forces step 3 as well.
/// </summary>
public static class SchedulePresets
{
    /// <summary>TaylorSeer / HiCache at 5.00x: N = 6, W = 3, full steps {0,1,2,8,14,20,26,32,38,44}.</summary>
    public static CounterSchedule TaylorSeer5x { get; } = new(6, warmup: 3);

    /// <summary>TaylorSeer / HiCache at 6.25x: N = 8, W = 3, full steps {0,1,2,10,18,26,34,42}.</summary>
    public static CounterSchedule TaylorSeer625x { get; } = new(8, warmup: 3);

    /// <summary>LESA at 5.00x: N = 7, W = 3, step 3 forced, full steps {0,1,2,3,9,16,23,30,37,44}.</summary>
    public static CounterSchedule Lesa5x { get; } = new(7, warmup: 3, forced: [3]);

    /// <summary>LESA at 6.25x: N = 10, W = 3, step 3 forced, full steps {0,1,2,3,12,22,32,42}.</summary>
    public static CounterSchedule Lesa625x { get; } = new(10, warmup: 3, forced: [3]);

    /// <summary>The presets by their names: taylorseer-5x, taylorseer-6.25x, lesa-5x, lesa-6.25x.</summary>
    public static IReadOnlyDictionary<string, CounterSchedule> ByName { get; } = new Dictionary<string, CounterSchedule>(StringComparer.OrdinalIgnoreCase)
    {
        ["taylorseer-5x"] = TaylorSeer5x,
        ["taylorseer-6.25x"] = TaylorSeer625x,
        ["lesa-5x"] = Lesa5x,
        ["lesa-6.25x"] = Lesa625x,
    };
}
