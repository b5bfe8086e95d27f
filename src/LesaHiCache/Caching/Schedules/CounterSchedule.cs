using System.Globalization;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// The counter rule of the TaylorSeer and HiCache reference code (docs/algorithms.md, section 7):
/// steps 0..W-1 are full, then every N-th step counted from step W - 1 (s = W - 1 + m N), plus any
/// forced steps. S = 50, W = 3: N = 6 gives {0,1,2,8,14,...,44} (5.00x), N = 8 gives
/// {0,1,2,10,18,26,34,42} (6.25x); LESA's patterns force step 3 as well (N = 7 and 10).
/// </summary>
public sealed class CounterSchedule : PlannedSchedule
{
    private readonly int[] forced;

    /// <summary>Creates the schedule: interval N &gt;= 1, warm-up W &gt;= 1, forced full steps (each &gt;= 0).</summary>
    public CounterSchedule(int interval, int warmup = 3, IEnumerable<int>? forced = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(warmup, 1);
        this.forced = forced?.Distinct().Order().ToArray() ?? [];
        if (this.forced.Length > 0 && this.forced[0] < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(forced), this.forced[0], "Forced full steps must be step indices (>= 0).");
        }

        Interval = interval;
        Warmup = warmup;
    }

    /// <summary>N: steps between full steps, counted from step W - 1.</summary>
    public int Interval { get; }

    /// <summary>W: leading full steps.</summary>
    public int Warmup { get; }

    /// <summary>Steps that are full besides the rule's.</summary>
    public IReadOnlyList<int> Forced => forced;

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"counter({Interval}, warmup={Warmup}{(forced.Length > 0 ? $", forced={string.Join(";", forced)}" : "")})");

    /// <inheritdoc />
    public override IReadOnlySet<int> FullSteps(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var steps = times.Count - 1;
        if (forced.Length > 0 && forced[^1] >= steps)
        {
            throw new ArgumentException($"The schedule forces step {forced[^1]}, but the generation has {steps} steps.", nameof(times));
        }

        return Enumerable.Range(0, steps)
            .Where(s => s < Warmup || (s - (Warmup - 1)) % Interval == 0 || forced.Contains(s))
            .ToHashSet();
    }
}
