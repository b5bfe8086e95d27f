using System.Globalization;

namespace LesaHiCache.Caching.Schedules;

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
