using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Placement;

/// <summary>
/// The fixed-rule placements of B full steps among S that a search starts from: the budget rule
/// (W leading steps, the rest spread evenly) for W = 1..4, the reference counter rule (every N-th
/// step after W warm-up steps) wherever it gives exactly B, and the LESA and TaylorSeer presets that do.
/// </summary>
public static class PlacementCandidates
{
    /// <summary>Most leading full steps tried.</summary>
    public const int MaxWarmup = 4;

    /// <summary>The distinct fixed placements of <paramref name="budget"/> full steps over <paramref name="times"/>, each ascending.</summary>
    public static IReadOnlyList<int[]> Starts(IReadOnlyList<double> times, int budget)
    {
        ArgumentNullException.ThrowIfNull(times);
        var steps = times.Count - 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1, nameof(times));
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(budget, steps);
        var schedules = new List<PlannedSchedule>();
        for (var warmup = 1; warmup <= Math.Min(MaxWarmup, budget); warmup++)
        {
            schedules.Add(new BudgetSchedule(budget, warmup));
            for (var interval = 2; interval < steps; interval++)
            {
                schedules.Add(new CounterSchedule(interval, warmup));
            }
        }

        schedules.AddRange(SchedulePresets.ByName.Values);
        var starts = new List<int[]>();
        foreach (var schedule in schedules)
        {
            int[] full;
            try
            {
                full = [.. schedule.FullSteps(times).Order()];
            }
            catch (ArgumentException)
            {
                continue; // a preset that forces a step this short generation lacks
            }

            if (full.Length == budget && full[0] == 0 && !starts.Any(s => s.SequenceEqual(full)))
            {
                starts.Add(full);
            }
        }

        return starts;
    }
}
