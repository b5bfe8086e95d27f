namespace LesaHiCache.Caching.Indicators;

/// <summary>
/// What one step of an uncached generation shows the indicators (docs/indicators.md, "Calibration"),
/// measured against the step before it.
/// </summary>
/// <param name="Step">The step (1 or later).</param>
/// <param name="InputChange">Relative L1 change of the first block's modulated input: TeaCache's x.</param>
/// <param name="OutputChange">Relative L1 change of the stack's residual (output minus input): what TeaCache's rescale predicts.</param>
/// <param name="MagnitudeRatio">Mean over rows and tokens of ||r_t|| / ||r_{t-1}|| (norms over channels): MagCache's ratio.</param>
public readonly record struct IndicatorObservation(int Step, double InputChange, double OutputChange, double MagnitudeRatio);
