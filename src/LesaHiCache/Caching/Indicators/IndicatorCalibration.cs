using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Caching.Indicators;

/// <summary>
/// One indicator's calibration for one model (stored with it by <see cref="IndicatorCalibrationFile"/>):
/// TeaCache's rescale polynomial or MagCache's magnitude-ratio curve, with what it was made from.
/// </summary>
/// <param name="Indicator">Which indicator.</param>
/// <param name="Values">TeaCache: the polynomial's coefficients, highest power first; MagCache: one ratio per step.</param>
/// <param name="ModelName">A readable model name.</param>
/// <param name="ModelFingerprint">The model's fingerprint (<see cref="Lesa.ModelFingerprint"/>): the calibration is refused for any other model.</param>
/// <param name="Setup">The sampler and resolution the generations used.</param>
/// <param name="Steps">Sampler steps of the generations.</param>
/// <param name="Samples">A line saying which samples were generated.</param>
/// <param name="Fit">A line saying how well the values fit the observations.</param>
public sealed record IndicatorCalibration(IndicatorKind Indicator, IReadOnlyList<double> Values, string ModelName, string ModelFingerprint, string Setup, int Steps, string Samples, string Fit)
{
    /// <summary>TeaCache's polynomial (for a TeaCache calibration).</summary>
    public RescalePolynomial Rescale => Indicator == IndicatorKind.TeaCache
        ? new RescalePolynomial(Values)
        : throw new InvalidOperationException("A MagCache calibration holds magnitude ratios, not a rescale polynomial.");

    /// <summary>MagCache's curve (for a MagCache calibration).</summary>
    public MagnitudeRatios Ratios => Indicator == IndicatorKind.MagCache
        ? new MagnitudeRatios(Values)
        : throw new InvalidOperationException("A TeaCache calibration holds a rescale polynomial, not magnitude ratios.");

    /// <summary>Throws <see cref="ScheduleMismatchException"/> unless <paramref name="model"/> is the calibrated model.</summary>
    public void EnsureModel(ModelIdentity? model, string described) =>
        ModelBinding.Ensure(model, ModelFingerprint, ModelName, described, "is calibrated for", "is calibrated for one model");

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless this is a calibration of <paramref name="expected"/>
    /// (<paramref name="source"/>: the file it was read from, for the message).
    /// </summary>
    public void EnsureIndicator(IndicatorKind expected, string? source)
    {
        if (Indicator != expected)
        {
            throw new ArgumentException($"{(source is null ? "The calibration" : $"'{source}'")} holds a {Indicator} calibration; {expected.ToString().ToLowerInvariant()} needs a {expected} one.", nameof(expected));
        }
    }
}
