using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa.Training;

namespace LesaHiCache.Caching.Indicators;

/// <summary>
/// Calibrates TeaCache and MagCache for a model (docs/indicators.md, "Calibration"): uncached
/// generations of training samples are measured step by step, then TeaCache's rescale polynomial is
/// fitted and MagCache's magnitude-ratio curve averaged.
/// </summary>
public static class IndicatorCalibrator
{
    /// <summary>TeaCache's polynomial degree (the reference's fits are of degree 4).</summary>
    public const int RescaleDegree = 4;

    /// <summary>
    /// Generates <paramref name="samples"/> of <paramref name="host"/> uncached, <paramref name="batch"/>
    /// per generation, and records every step's observation. <paramref name="progress"/> gets (done, total) generations.
    /// </summary>
    public static IndicatorRecording Record(ILesaTrainingHost host, IReadOnlyList<int> samples, int batch, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (samples.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one sample.", nameof(samples));
        }

        if (samples.Any(s => s < 0 || s >= host.SampleCount))
        {
            throw new ArgumentOutOfRangeException(nameof(samples), $"Samples are indices below the host's {host.SampleCount}.");
        }

        using var recorder = new CalibrationRecorder();
        using var session = new CacheSession(new CacheConfig { Level = CacheLevel.Block, Forecaster = () => new Fora(), Schedule = recorder }, recorder);
        var generations = samples.Chunk(batch).ToList();
        var steps = 0;
        for (var i = 0; i < generations.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            using (var noise = host.InitialNoise(generations[i]))
            using (var output = host.Generate(generations[i], noise, session, cancellation))
            {
                recorder.EndGeneration();
            }

            steps = session.Statistics.FullSteps.Count;
            progress?.Invoke(i + 1, generations.Count);
        }

        if (steps < RescaleDegree + 2)
        {
            throw new InvalidOperationException($"Calibration needs generations of at least {RescaleDegree + 2} steps; these have {steps}.");
        }

        return new IndicatorRecording(steps, generations.Count, [.. recorder.Observations]);
    }

    /// <summary>TeaCache's rescale: the least-squares polynomial from the modulated input's change to the stack residual's.</summary>
    public static RescalePolynomial FitRescale(IndicatorRecording recording, int degree = RescaleDegree)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var observations = recording.Observations;
        return new RescalePolynomial(PolynomialFit.Fit([.. observations.Select(o => o.InputChange)], [.. observations.Select(o => o.OutputChange)], degree));
    }

    /// <summary>MagCache's curve: the mean magnitude ratio of every step (1 for step 0).</summary>
    public static MagnitudeRatios MagnitudeCurve(IndicatorRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return new MagnitudeRatios(recording.MeanMagnitudeRatios());
    }
}
