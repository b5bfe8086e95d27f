using System.Globalization;
using LesaHiCache.Caching.Indicators;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// MagCache's decision as its reference computes it (docs/indicators.md). Past the first
/// round(<see cref="Retention"/> S) steps (always full), each step multiplies the running ratio by its
/// calibrated magnitude ratio and adds |1 - running ratio| to the error; the step is forecast while
/// the error is at most <see cref="Threshold"/> and at most <see cref="MaxSkippedSteps"/> steps have been
/// skipped in a row (K), and computed otherwise, which resets both. The curve alone decides, so the
/// full steps are known before sampling (a planned schedule). The last step is not forced.
/// </summary>
public sealed class MagCacheSchedule : PlannedSchedule, ICalibratedSchedule, IModelBoundSchedule
{
    private readonly IndicatorCalibration? calibration;
    private readonly string? source;

    /// <summary>The reference's default threshold.</summary>
    public const double DefaultThreshold = 0.24;

    /// <summary>The reference's default K.</summary>
    public const int DefaultMaxSkippedSteps = 5;

    /// <summary>The reference's default retention ratio.</summary>
    public const double DefaultRetention = 0.1;

    /// <summary>Creates the schedule.</summary>
    /// <param name="ratios">The model's calibrated magnitude ratios (resampled to the step count).</param>
    /// <param name="threshold">Largest accumulated error that still forecasts.</param>
    /// <param name="maxSkippedSteps">K: most forecast steps in a row.</param>
    /// <param name="retention">Share of the steps, from the start, that are always full.</param>
    public MagCacheSchedule(MagnitudeRatios ratios, double threshold = DefaultThreshold, int maxSkippedSteps = DefaultMaxSkippedSteps, double retention = DefaultRetention)
        : this(ratios ?? throw new ArgumentNullException(nameof(ratios)), threshold, maxSkippedSteps, retention, null, null)
    {
    }

    /// <summary>MagCache with a model's calibration (<see cref="IndicatorCalibrationFile"/>): generations of any other model are refused.</summary>
    public MagCacheSchedule(IndicatorCalibration calibration, double threshold = DefaultThreshold, int maxSkippedSteps = DefaultMaxSkippedSteps, double retention = DefaultRetention)
        : this((calibration ?? throw new ArgumentNullException(nameof(calibration))).Ratios, threshold, maxSkippedSteps, retention, calibration, null)
    {
    }

    private MagCacheSchedule(MagnitudeRatios? ratios, double threshold, int maxSkippedSteps, double retention, IndicatorCalibration? calibration, string? source)
    {
        if (double.IsNaN(threshold) || threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be 0 or more.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxSkippedSteps);
        if (!(retention is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(retention), retention, "The retention ratio is a share of the steps, in [0, 1].");
        }

        (Ratios, Threshold, MaxSkippedSteps, Retention) = (ratios, threshold, maxSkippedSteps, retention);
        this.calibration = calibration;
        this.source = source;
    }

    /// <summary>The calibrated curve (null until calibrated).</summary>
    public MagnitudeRatios? Ratios { get; }

    /// <inheritdoc />
    public IndicatorKind Needs => IndicatorKind.MagCache;

    /// <inheritdoc />
    public bool IsCalibrated => Ratios is not null;

    /// <summary>Largest accumulated error that still forecasts.</summary>
    public double Threshold { get; }

    /// <summary>K: most forecast steps in a row.</summary>
    public int MaxSkippedSteps { get; }

    /// <summary>Share of the steps, from the start, that are always full.</summary>
    public double Retention { get; }

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"magcache({Threshold}, K={MaxSkippedSteps}, retention={Retention})");

    /// <summary>A MagCache schedule still to be bound to the model's calibration (<see cref="WithCalibration"/>).</summary>
    public static MagCacheSchedule Uncalibrated(double threshold = DefaultThreshold, int maxSkippedSteps = DefaultMaxSkippedSteps, double retention = DefaultRetention) =>
        new(null, threshold, maxSkippedSteps, retention, null, null);

    /// <inheritdoc />
    public ICalibratedSchedule WithCalibration(IndicatorCalibration calibration, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        calibration.EnsureIndicator(IndicatorKind.MagCache, source);
        return new MagCacheSchedule(calibration.Ratios, Threshold, MaxSkippedSteps, Retention, calibration, source);
    }

    /// <inheritdoc />
    public void EnsureModel(ModelIdentity? model)
    {
        if (Ratios is null)
        {
            throw new InvalidOperationException(NotCalibrated);
        }

        calibration?.EnsureModel(model, source is null ? Name : $"The calibration in '{source}'");
    }

    /// <inheritdoc />
    public override IReadOnlySet<int> FullSteps(IReadOnlyList<double> times) => Plan(times).Full;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<int, double>? Indicators(IReadOnlyList<double> times) => Plan(times).Errors;

    private string NotCalibrated => $"{Name} has no magnitude ratios: calibrate the model (lesa-hicache calibrate --indicator magcache) and give the file (magcache:T:K:R:PATH), or bind one with WithCalibration.";

    private (HashSet<int> Full, Dictionary<int, double> Errors) Plan(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var steps = times.Count - 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1, nameof(times));
        var ratios = (Ratios ?? throw new InvalidOperationException(NotCalibrated)).For(steps);
        var retained = (int)((Retention * steps) + 0.5);
        var full = new HashSet<int>();
        var errors = new Dictionary<int, double>();
        var (ratio, skipped, error) = (1.0, 0, 0.0);
        for (var step = 0; step < steps; step++)
        {
            // Step 0 has no residual to reuse yet, whatever the retention.
            if (step < retained || step == 0)
            {
                full.Add(step);
                continue;
            }

            ratio *= ratios[step];
            skipped++;
            error += Math.Abs(1 - ratio);
            errors[step] = error;
            if (error <= Threshold && skipped <= MaxSkippedSteps)
            {
                continue;
            }

            full.Add(step);
            (ratio, skipped, error) = (1.0, 0, 0.0);
        }

        return (full, errors);
    }
}
