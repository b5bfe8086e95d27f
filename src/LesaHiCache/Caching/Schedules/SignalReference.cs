namespace LesaHiCache.Caching.Schedules;

/// <summary>Which earlier step's signal a step's signal is compared with.</summary>
public enum SignalReference
{
    /// <summary>The last full step's (First-Block Cache, DBCache: the cached residual was computed there).</summary>
    LastFullStep,

    /// <summary>The previous step's, full or forecast (TeaCache).</summary>
    PreviousStep,
}
