namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// Noise stages by sampler time t (1 = noise): stage 0 above the first boundary, stage i between
/// boundaries i - 1 and i. LESA's experts and <see cref="StageAwareSchedule"/> use the same stages.
/// </summary>
public static class NoiseStages
{
    /// <summary>The LESA boundaries: stage 0 t &gt; 0.9, stage 1 0.5 &lt; t &lt;= 0.9, stage 2 t &lt;= 0.5.</summary>
    public static IReadOnlyList<double> DefaultBoundaries { get; } = [0.9, 0.5];

    /// <summary>The stage of time <paramref name="t"/> for descending <paramref name="boundaries"/>.</summary>
    public static int Of(double t, IReadOnlyList<double> boundaries)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        var stage = 0;
        while (stage < boundaries.Count && t <= boundaries[stage])
        {
            stage++;
        }

        return stage;
    }
}
