using System.Globalization;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// Steps 0..W-1 full, then full at s = W + m N, and optionally the last T steps full.
/// S = 50, W = 3: N = 7 gives 10 full steps (5.00x), N = 10 gives 8 (6.25x).
/// </summary>
public sealed class FixedIntervalSchedule : PlannedSchedule
{
    /// <summary>Creates the schedule.</summary>
    public FixedIntervalSchedule(int interval, int warmup = 3, int tail = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegative(tail);
        Interval = interval;
        Warmup = warmup;
        Tail = tail;
    }

    /// <summary>N: steps between full steps after the warm-up.</summary>
    public int Interval { get; }

    /// <summary>W: leading full steps.</summary>
    public int Warmup { get; }

    /// <summary>T: trailing full steps.</summary>
    public int Tail { get; }

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"interval({Interval}, warmup={Warmup}{(Tail > 0 ? $", tail={Tail}" : "")})");

    /// <inheritdoc />
    public override IReadOnlySet<int> FullSteps(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var steps = times.Count - 1;
        return Enumerable.Range(0, steps)
            .Where(s => s < Warmup || (s - Warmup) % Interval == 0 || s >= steps - Tail)
            .ToHashSet();
    }
}

/// <summary>A given number of full steps: the first min(3, budget) as warm-up, the rest spread evenly over the remaining steps.</summary>
public sealed class BudgetSchedule : PlannedSchedule
{
    /// <summary>Creates the schedule.</summary>
    public BudgetSchedule(int fullSteps, int warmup = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fullSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        Budget = fullSteps;
        Warmup = Math.Min(warmup, fullSteps);
    }

    /// <summary>Number of full steps.</summary>
    public int Budget { get; }

    /// <summary>Leading full steps.</summary>
    public int Warmup { get; }

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"budget({Budget}, warmup={Warmup})");

    /// <inheritdoc />
    public override IReadOnlySet<int> FullSteps(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var steps = times.Count - 1;
        if (Budget >= steps)
        {
            return Enumerable.Range(0, steps).ToHashSet();
        }

        var spread = Budget - Warmup;
        var full = Enumerable.Range(0, Warmup).ToHashSet();
        for (var i = 0; i < spread; i++)
        {
            full.Add(Warmup + (int)Math.Round(i * (double)(steps - Warmup) / spread, MidpointRounding.AwayFromZero));
        }

        return full;
    }
}

/// <summary>Exactly the given full steps (every other step is forecast).</summary>
public sealed class StepMaskSchedule : PlannedSchedule
{
    private readonly int[] fullSteps;

    /// <summary>Creates the schedule from the full-step indices (step 0 must be among them).</summary>
    public StepMaskSchedule(IEnumerable<int> fullSteps)
    {
        ArgumentNullException.ThrowIfNull(fullSteps);
        this.fullSteps = fullSteps.Distinct().Order().ToArray();
        if (this.fullSteps.Length == 0 || this.fullSteps[0] != 0)
        {
            throw new ArgumentException("The mask must include step 0: nothing can be forecast before a full step.", nameof(fullSteps));
        }
    }

    /// <inheritdoc />
    public override string Name => $"mask({string.Join(",", fullSteps)})";

    /// <inheritdoc />
    public override IReadOnlySet<int> FullSteps(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var steps = times.Count - 1;
        if (fullSteps[^1] >= steps)
        {
            throw new ArgumentException($"The mask names step {fullSteps[^1]}, but the generation has {steps} steps.", nameof(times));
        }

        return fullSteps.ToHashSet();
    }
}

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
        Boundaries = boundaries ?? [0.9, 0.5];
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

    /// <summary>The stage of time t.</summary>
    public static int StageOf(double t, IReadOnlyList<double> boundaries)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        var stage = 0;
        while (stage < boundaries.Count && t <= boundaries[stage])
        {
            stage++;
        }

        return stage;
    }

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
            next += Intervals[StageOf(times[next], Boundaries)];
        }

        return full;
    }
}
