namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// Where a step lies on the forecaster's axis: the step index s, and the sampler time t in [0, 1]
/// (1 = noise) of an S-step schedule.
/// </summary>
/// <param name="Step">Step index s (0-based).</param>
/// <param name="Time">Sampler time t_s.</param>
/// <param name="Steps">Steps S of the generation.</param>
public readonly record struct StepPosition(int Step, double Time, int Steps)
{
    /// <summary>
    /// The coordinate distances are measured in: the step index, or (1 - t) S, which equals the
    /// step index on a uniform schedule and follows the real spacing of a shifted one.
    /// </summary>
    public double Coordinate(DistanceUnit unit) => unit == DistanceUnit.Steps ? Step : (1 - Time) * Steps;
}
