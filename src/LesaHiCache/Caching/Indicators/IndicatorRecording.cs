namespace LesaHiCache.Caching.Indicators;

/// <summary>The observations of uncached generations of one model and sampler, from which the indicators are calibrated.</summary>
/// <param name="Steps">Sampler steps of every generation.</param>
/// <param name="Generations">Generations (batches) recorded.</param>
/// <param name="Observations">Every step 1 .. S-1 of every generation.</param>
public sealed record IndicatorRecording(int Steps, int Generations, IReadOnlyList<IndicatorObservation> Observations)
{
    /// <summary>MagCache's curve: per step the mean ratio over the generations, 1 for step 0.</summary>
    public IReadOnlyList<double> MeanMagnitudeRatios()
    {
        var ratios = new double[Steps];
        ratios[0] = 1;
        for (var step = 1; step < Steps; step++)
        {
            ratios[step] = MagnitudeRatiosAt(step).Average();
        }

        return ratios;
    }

    /// <summary>The magnitude ratios every generation recorded at <paramref name="step"/> (1 or later).</summary>
    public IReadOnlyList<double> MagnitudeRatiosAt(int step)
    {
        var atStep = Observations.Where(o => o.Step == step).Select(o => o.MagnitudeRatio).ToList();
        return atStep.Count > 0 ? atStep : throw new InvalidOperationException($"The recording has no observation of step {step}.");
    }
}
