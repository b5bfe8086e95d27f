namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// A different interval per noise stage (by the time t of the last full step): stage 0 t &gt; 0.9,
/// stage 1 0.5 &lt; t &lt;= 0.9, stage 2 t &lt;= 0.5 (the LESA stage boundaries by default).
/// </summary>
public sealed class StageAwareSchedule : PlannedSchedule
{
    /// <summary>Creates the schedule with one interval per stage.</summary>
    public StageAwareSchedule(IReadOnlyList<int> intervals, int warmup = 3, IReadOnlyList<double>? boundaries = null)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        Boundaries = boundaries ?? NoiseStages.DefaultBoundaries;
        for (var i = 0; i < Boundaries.Count; i++)
        {
            if (!(Boundaries[i] >= 0 && Boundaries[i] <= 1) || (i > 0 && !(Boundaries[i] < Boundaries[i - 1])))
            {
                throw new ArgumentException($"Stage boundaries must be sampler times in [0, 1], strictly descending; got [{string.Join(", ", Boundaries)}].", nameof(boundaries));
            }
        }

        if (intervals.Count != Boundaries.Count + 1 || intervals.Any(i => i < 1))
        {
            throw new ArgumentException($"Give {Boundaries.Count + 1} positive intervals, one per stage.", nameof(intervals));
        }

        Intervals = intervals;
        Warmup = warmup;
    }

    /// <summary>Interval per stage.</summary>
    public IReadOnlyList<int> Intervals { get; }

    /// <summary>Descending t boundaries between stages.</summary>
    public IReadOnlyList<double> Boundaries { get; }

    /// <summary>Leading full steps.</summary>
    public int Warmup { get; }

    /// <inheritdoc />
    public override string Name => $"stages({string.Join(",", Intervals)}, warmup={Warmup})";

    /// <inheritdoc />
    public override IReadOnlySet<int> FullSteps(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var steps = times.Count - 1;
        var full = Enumerable.Range(0, Math.Min(Warmup, steps)).ToHashSet();
        var next = Math.Min(Warmup, steps);
        while (next < steps)
        {
            full.Add(next);
            next += Intervals[NoiseStages.Of(times[next], Boundaries)];
        }

        return full;
    }
}
