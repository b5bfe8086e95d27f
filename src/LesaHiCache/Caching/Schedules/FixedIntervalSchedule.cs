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
