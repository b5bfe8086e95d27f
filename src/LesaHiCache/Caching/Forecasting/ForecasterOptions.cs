using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>How the derivative estimates behind TaylorSeer and HiCache are kept.</summary>
public enum DerivativeScheme
{
    /// <summary>
    /// Derivatives at the last full step of the polynomial that interpolates the last order + 1 full
    /// steps at their real spacing (the default): a degree-O trajectory is reproduced exactly.
    /// </summary>
    Interpolating,

    /// <summary>
    /// The reference implementations' ladder: D_{i+1} = (new D_i - old D_i) / d with one divisor d,
    /// the distance to the previous full step (ALGORITHMS.md section 2). Exact only for order 1.
    /// </summary>
    ReferenceLadder,
}

/// <summary>Options shared by the polynomial forecasters.</summary>
public sealed record ForecasterOptions
{
    /// <summary>Defaults: float32 state, distances in steps, interpolating derivatives.</summary>
    public static ForecasterOptions Default { get; } = new();

    /// <summary>Dtype of the kept state (float32 even when the model runs in bf16/fp16).</summary>
    public ScalarType StateDType { get; init; } = ScalarType.Float32;

    /// <summary>Unit of the distances between steps.</summary>
    public DistanceUnit Distance { get; init; } = DistanceUnit.Steps;

    /// <summary>How derivatives are estimated from the full steps.</summary>
    public DerivativeScheme Scheme { get; init; } = DerivativeScheme.Interpolating;
}
