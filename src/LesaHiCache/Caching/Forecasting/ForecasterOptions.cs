using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>Options shared by the polynomial forecasters.</summary>
public sealed record ForecasterOptions
{
    /// <summary>Defaults: float32 state, distances in steps, the reference difference ladder.</summary>
    public static ForecasterOptions Default { get; } = new();

    /// <summary>Dtype of the kept state (float32 even when the model runs in bf16/fp16).</summary>
    public ScalarType StateDType { get; init; } = ScalarType.Float32;

    /// <summary>
    /// Where the kept state lives; null (default): on the features' device. Another device (the CPU
    /// while the model runs on a GPU) trades the state's memory for a copy of each full step's output
    /// there and of each forecast back: the polynomial forecasters then forecast on that device (any
    /// explicit device, the features' own included, takes this path).
    /// </summary>
    public Device? StateDevice { get; init; }

    /// <summary>Unit of the distances between steps.</summary>
    public DistanceUnit Distance { get; init; } = DistanceUnit.Steps;

    /// <summary>How derivatives are estimated from the full steps (default: the reference ladder).</summary>
    public DerivativeScheme Scheme { get; init; } = DerivativeScheme.ReferenceLadder;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that is not usable (a state dtype that is not floating point, an undefined enum value).</summary>
    public void Validate()
    {
        if (StateDType is not (ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"ForecasterOptions.StateDType must be a floating-point type (Float32, Float64, Float16 or BFloat16), got {StateDType}.");
        }

        if (!Enum.IsDefined(Distance))
        {
            throw new ArgumentException($"ForecasterOptions.Distance {(int)Distance} is not a DistanceUnit.");
        }

        if (!Enum.IsDefined(Scheme))
        {
            throw new ArgumentException($"ForecasterOptions.Scheme {(int)Scheme} is not a DerivativeScheme.");
        }
    }
}
