namespace LesaHiCache.Caching.Indicators;

/// <summary>An indicator that needs a per-model calibration.</summary>
public enum IndicatorKind
{
    /// <summary>TeaCache: a rescale polynomial.</summary>
    TeaCache,

    /// <summary>MagCache: a magnitude-ratio curve.</summary>
    MagCache,
}
