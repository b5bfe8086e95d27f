using System.Globalization;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// cache-dit's DBCache decision (docs/indicators.md), with its parameters and defaults: the first
/// <see cref="LeadingBlocks"/> blocks (Fn) run on every step, and the step is forecast when the relative
/// L1 change of their joint residual against the last full step's is below <see cref="Threshold"/>
/// (strictly). The last <see cref="TrailingBlocks"/> blocks (Bn) also run on every step: on a forecast
/// step, on the forecast residuals of the blocks between, for the cached and the text stream (block level only). Steps 0 .. <see cref="Warmup"/> - 1 are full; <see cref="MaxCachedSteps"/> caps the
/// forecast steps of a generation and <see cref="MaxContinuousCachedSteps"/> those in a row (negative:
/// no cap), counted as cache-dit counts them. A threshold of 0 or less never forecasts; 1 or more
/// forecasts whenever the warm-up and the caps allow.
/// </summary>
public sealed class DbCacheSchedule : ICacheSchedule
{
    /// <summary>cache-dit's default Fn.</summary>
    public const int DefaultLeadingBlocks = 8;

    /// <summary>cache-dit's default residual-difference threshold.</summary>
    public const double DefaultThreshold = 0.08;

    /// <summary>cache-dit's default warm-up.</summary>
    public const int DefaultWarmup = 8;

    /// <summary>Creates the schedule.</summary>
    /// <param name="leadingBlocks">Fn: blocks computed on every step (at least 1).</param>
    /// <param name="trailingBlocks">Bn: blocks computed on every step after the cached ones.</param>
    /// <param name="threshold">Residual difference below which a step is forecast.</param>
    /// <param name="warmup">Leading full steps.</param>
    /// <param name="maxCachedSteps">Most forecast steps per generation (negative: no cap).</param>
    /// <param name="maxContinuousCachedSteps">Most forecast steps in a row (negative: no cap).</param>
    public DbCacheSchedule(int leadingBlocks = DefaultLeadingBlocks, int trailingBlocks = 0, double threshold = DefaultThreshold, int warmup = DefaultWarmup, int maxCachedSteps = -1, int maxContinuousCachedSteps = -1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leadingBlocks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(trailingBlocks);

        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold is not a number.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        (LeadingBlocks, TrailingBlocks, Threshold, Warmup, MaxCachedSteps, MaxContinuousCachedSteps) = (leadingBlocks, trailingBlocks, threshold, warmup, maxCachedSteps, maxContinuousCachedSteps);
        Signal = StepSignal.LeadingResidual(leadingBlocks);
    }

    /// <summary>Fn: blocks computed on every step, whose joint residual is the signal.</summary>
    public int LeadingBlocks { get; }

    /// <summary>Bn: blocks computed on every step after the cached ones.</summary>
    public int TrailingBlocks { get; }

    /// <summary>Residual difference below which a step is forecast.</summary>
    public double Threshold { get; }

    /// <summary>Leading full steps.</summary>
    public int Warmup { get; }

    /// <summary>Most forecast steps per generation (negative: no cap).</summary>
    public int MaxCachedSteps { get; }

    /// <summary>Most forecast steps in a row (negative: no cap).</summary>
    public int MaxContinuousCachedSteps { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"dbcache(F{LeadingBlocks}B{TrailingBlocks}, {Threshold}, warmup={Warmup}{(MaxCachedSteps >= 0 ? $", max={MaxCachedSteps}" : "")}{(MaxContinuousCachedSteps >= 0 ? $", continuous={MaxContinuousCachedSteps}" : "")})");

    /// <inheritdoc />
    public StepSignal Signal { get; }

    /// <inheritdoc />
    public IStepPlanner Begin(IReadOnlyList<double> times) => new Planner(this);

    private sealed class Planner(DbCacheSchedule schedule) : IStepPlanner
    {
        private readonly List<int> cachedSteps = [];
        private int continuous;

        public int WarmupSteps => Math.Max(1, schedule.Warmup);

        public double? LastIndicator { get; private set; }

        public bool IsFullStep(int step, double? signalChange = null)
        {
            LastIndicator = null;
            if (step < schedule.Warmup)
            {
                return true;
            }

            if (schedule.MaxCachedSteps >= 0 && cachedSteps.Count >= schedule.MaxCachedSteps)
            {
                return true;
            }

            if (schedule.MaxContinuousCachedSteps >= 0 && continuous >= schedule.MaxContinuousCachedSteps)
            {
                continuous = 0;
                return true;
            }

            if (signalChange is not double change)
            {
                return true;
            }

            LastIndicator = change;
            if (!Caches(change))
            {
                return true;
            }

            AddCachedStep(step);
            return false;
        }

        private bool Caches(double change) => schedule.Threshold > 0 && (schedule.Threshold >= 1 || change < schedule.Threshold);

        // cache-dit's count: a forecast step right after another adds 1 (2 when the run starts), a
        // forecast step after a full one leaves the count; only reaching the cap resets it.
        private void AddCachedStep(int step)
        {
            if (cachedSteps.Count == 0)
            {
                continuous++;
            }
            else if (step - cachedSteps[^1] == 1)
            {
                continuous += continuous == 0 ? 2 : 1;
            }

            cachedSteps.Add(step);
        }
    }
}
