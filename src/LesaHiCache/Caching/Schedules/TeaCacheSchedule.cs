using System.Globalization;
using LesaHiCache.Caching.Indicators;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// TeaCache's decision as its FLUX reference computes it (docs/indicators.md): on every step the
/// first block's modulated input is compared with the previous step's; the relative L1 change x,
/// rescaled by the model's fitted polynomial, is accumulated, and the step is forecast while the sum
/// stays below <see cref="Threshold"/>. A computed step resets the sum. The first and the last step are
/// always computed.
/// </summary>
public sealed class TeaCacheSchedule : ICalibratedSchedule, IModelBoundSchedule
{
    private readonly IndicatorCalibration? calibration;
    private readonly string? source;

    /// <summary>TeaCache with an explicit polynomial (e.g. a reference fit such as <see cref="RescalePolynomial.Flux1Dev"/>), for any model.</summary>
    /// <param name="threshold">Accumulated rescaled change at which a step is computed (the reference's rel_l1_thresh).</param>
    /// <param name="rescale">The rescale polynomial.</param>
    public TeaCacheSchedule(double threshold, RescalePolynomial rescale)
        : this(threshold, rescale ?? throw new ArgumentNullException(nameof(rescale)), null, null)
    {
    }

    /// <summary>TeaCache with a model's calibration (<see cref="IndicatorCalibrationFile"/>): generations of any other model are refused.</summary>
    public TeaCacheSchedule(double threshold, IndicatorCalibration calibration)
        : this(threshold, (calibration ?? throw new ArgumentNullException(nameof(calibration))).Rescale, calibration, null)
    {
    }

    private TeaCacheSchedule(double threshold, RescalePolynomial? rescale, IndicatorCalibration? calibration, string? source)
    {
        if (double.IsNaN(threshold) || threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be 0 or more.");
        }

        Threshold = threshold;
        Rescale = rescale;
        this.calibration = calibration;
        this.source = source;
    }

    /// <summary>Accumulated rescaled change at which a step is computed.</summary>
    public double Threshold { get; }

    /// <summary>The rescale polynomial (null until calibrated).</summary>
    public RescalePolynomial? Rescale { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"teacache({Threshold})");

    /// <inheritdoc />
    public StepSignal Signal => StepSignal.ModulatedInput;

    /// <inheritdoc />
    public IndicatorKind Needs => IndicatorKind.TeaCache;

    /// <inheritdoc />
    public bool IsCalibrated => Rescale is not null;

    /// <summary>A TeaCache schedule still to be bound to the model's calibration (<see cref="WithCalibration"/>).</summary>
    public static TeaCacheSchedule Uncalibrated(double threshold) => new(threshold, null, null, null);

    /// <inheritdoc />
    public ICalibratedSchedule WithCalibration(IndicatorCalibration calibration, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        calibration.EnsureIndicator(IndicatorKind.TeaCache, source);
        return new TeaCacheSchedule(Threshold, calibration.Rescale, calibration, source);
    }

    /// <inheritdoc />
    public void EnsureModel(ModelIdentity? model)
    {
        if (Rescale is null)
        {
            throw new InvalidOperationException(NotCalibrated);
        }

        calibration?.EnsureModel(model, source is null ? Name : $"The calibration in '{source}'");
    }

    /// <inheritdoc />
    public IStepPlanner Begin(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count < 2)
        {
            throw new ArgumentException("A schedule needs at least one step (two times).", nameof(times));
        }

        var rescale = Rescale ?? throw new InvalidOperationException(NotCalibrated);
        return new Planner(Threshold, rescale, times.Count - 1);
    }

    private string NotCalibrated => $"{Name} has no rescale polynomial: calibrate the model (lesa-hicache calibrate --indicator teacache) and give the file (teacache:T:PATH), or bind one with WithCalibration.";

    private sealed class Planner(double threshold, RescalePolynomial rescale, int steps) : IStepPlanner
    {
        private double accumulated;

        public int WarmupSteps => 1;

        public double? LastIndicator { get; private set; }

        public bool IsFullStep(int step, double? signalChange = null)
        {
            LastIndicator = null;
            if (step == 0 || step == steps - 1 || signalChange is not double change)
            {
                accumulated = 0;
                return true;
            }

            accumulated += rescale.Evaluate(change);
            LastIndicator = accumulated;
            if (accumulated < threshold)
            {
                return false;
            }

            accumulated = 0;
            return true;
        }
    }
}
