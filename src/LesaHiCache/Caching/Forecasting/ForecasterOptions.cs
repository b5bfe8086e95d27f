using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>Options shared by the polynomial forecasters.</summary>
public sealed record ForecasterOptions
{
    /// <summary>Defaults: float32 state, distances in steps, the reference difference ladder.</summary>
    public static ForecasterOptions Default { get; } = new();

    /// <summary>Dtype of the kept state (float32 even when the model runs in bf16/fp16).</summary>
    public ScalarType StateDType { get; init; } = ScalarType.Float32;

    /// <summary>Unit of the distances between steps.</summary>
    public DistanceUnit Distance { get; init; } = DistanceUnit.Steps;

    /// <summary>How derivatives are estimated from the full steps (default: the reference ladder).</summary>
    public DerivativeScheme Scheme { get; init; } = DerivativeScheme.ReferenceLadder;
}
