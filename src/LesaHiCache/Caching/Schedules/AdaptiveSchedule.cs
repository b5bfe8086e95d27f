using System.Globalization;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// First-Block-Cache / TeaCache style: the first block runs every step; its residual's relative
/// change since the last full step, rel = mean|r - r_prev| / mean|r_prev|, is accumulated, and steps
/// are forecast while the sum stays under <see cref="Threshold"/>, at most
/// <see cref="MaxConsecutiveForecasts"/> in a row. A full step resets the sum.
/// </summary>
public sealed class AdaptiveSchedule : ICacheSchedule
{
    /// <summary>Creates the schedule.</summary>
    public AdaptiveSchedule(double threshold, int maxConsecutiveForecasts = 6, int warmup = 3)
    {
        if (!(threshold > 0) || !double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxConsecutiveForecasts);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        Threshold = threshold;
        MaxConsecutiveForecasts = maxConsecutiveForecasts;
        Warmup = warmup;
    }

    /// <summary>Accumulated relative change that forces a full step.</summary>
    public double Threshold { get; }

    /// <summary>Cap on forecast steps in a row.</summary>
    public int MaxConsecutiveForecasts { get; }

    /// <summary>Leading full steps.</summary>
    public int Warmup { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"adaptive({Threshold}, max={MaxConsecutiveForecasts}, warmup={Warmup})");

    /// <inheritdoc />
    public StepSignal Signal { get; } = StepSignal.LeadingResidual(1);

    /// <inheritdoc />
    public IStepPlanner Begin(IReadOnlyList<double> times) => new Planner(this);

    private sealed class Planner(AdaptiveSchedule schedule) : IStepPlanner
    {
        private double accumulated;
        private int consecutive;

        // Step 0 is always full (there is no change to measure yet).
        public int WarmupSteps => Math.Max(1, schedule.Warmup);

        public double? LastIndicator { get; private set; }

        public bool IsFullStep(int step, double? signalChange = null)
        {
            LastIndicator = null;
            if (step < schedule.Warmup || signalChange is null || consecutive >= schedule.MaxConsecutiveForecasts)
            {
                return Full();
            }

            accumulated += signalChange.Value;
            LastIndicator = accumulated;
            if (accumulated >= schedule.Threshold)
            {
                return Full();
            }

            consecutive++;
            return false;
        }

        private bool Full()
        {
            accumulated = 0;
            consecutive = 0;
            return true;
        }
    }
}
