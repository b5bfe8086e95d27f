namespace LesaHiCache.Caching.Forecasting;

/// <summary>How the derivative estimates behind TaylorSeer and HiCache are kept (docs/algorithms.md, section 3).</summary>
public enum DerivativeScheme
{
    /// <summary>
    /// The reference implementations' ladder (the default): at a full step D_0 = F and
    /// D_{i+1} = (new D_i - old D_i) / d, with d the distance to the previous full step; no
    /// difference is formed before step W - 1 of the schedule's warm-up, and an order appears only
    /// once the previous full step held the order below it. Exact only for order 1.
    /// </summary>
    ReferenceLadder,

    /// <summary>
    /// An option: the derivatives at the last full step of the polynomial that interpolates the last
    /// order + 1 full steps at their real spacing, from the first full steps on (no warm-up rule), so
    /// a degree-O trajectory is reproduced exactly.
    /// </summary>
    Interpolating,
}
