using System.Globalization;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// First-Block Cache as diffusers' <c>FirstBlockCacheConfig</c> computes it (docs/indicators.md): the
/// first block runs on every step; the step is forecast when the relative L1 change of its residual
/// against the last full step's is at most <see cref="Threshold"/>, and computed otherwise. No warm-up,
/// no accumulation, no limit on forecasts in a row; step 0 is full (there is nothing to compare with).
/// </summary>
public sealed class FirstBlockCacheSchedule : ICacheSchedule
{
    /// <summary>diffusers' default threshold.</summary>
    public const double DefaultThreshold = 0.05;

    /// <summary>Creates the schedule; a threshold of 0 computes every step whose residual changed at all, +infinity forecasts every step after the first.</summary>
    public FirstBlockCacheSchedule(double threshold = DefaultThreshold)
    {
        if (double.IsNaN(threshold) || threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be 0 or more.");
        }

        Threshold = threshold;
    }

    /// <summary>Largest relative change of the first block's residual that still forecasts the step.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"fbcache({Threshold})");

    /// <inheritdoc />
    public StepSignal Signal { get; } = StepSignal.LeadingResidual(1);

    /// <inheritdoc />
    public IStepPlanner Begin(IReadOnlyList<double> times) => new Planner(Threshold);

    private sealed class Planner(double threshold) : IStepPlanner
    {
        public int WarmupSteps => 1;

        public double? LastIndicator { get; private set; }

        public bool IsFullStep(int step, double? signalChange = null)
        {
            LastIndicator = signalChange;
            return signalChange is not double change || change > threshold;
        }
    }
}
