namespace LesaHiCache.Caching.Forecasting;

/// <summary>How the distance between steps is measured.</summary>
public enum DistanceUnit
{
    /// <summary>In step indices (the papers' default).</summary>
    Steps,

    /// <summary>In sampler time, scaled by S so that a uniform schedule gives step units.</summary>
    SamplerTime,
}
