namespace LesaHiCache.Caching;

/// <summary>What a session does when a full step computes NaN or infinite features (<see cref="CacheConfig.OnNonFiniteFeatures"/>).</summary>
public enum NonFinitePolicy
{
    /// <summary>
    /// Log a warning, drop the forecaster's state and compute every remaining step of the generation
    /// fully: the forecaster never ingests the features, and every item, clean or not, gets the
    /// uncached model's output from that step on.
    /// </summary>
    ComputeFully,

    /// <summary>Throw a <see cref="NonFiniteFeaturesException"/> naming the step, the item and the rows.</summary>
    Throw,
}
