using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>
/// Where and how a module's parameters are created. Building on the meta device, or with
/// <see cref="Initialize"/> off (when weights are loaded next), skips the random initialisation.
/// </summary>
/// <param name="Device">Device the parameters live on (meta allocates nothing).</param>
/// <param name="DType">Parameter dtype.</param>
/// <param name="Initialize">Whether to fill parameters with PyTorch's default initialisation.</param>
public sealed record ModuleBuild(Device Device, ScalarType DType, bool Initialize = true)
{
    /// <summary>Float32 parameters on the CPU, randomly initialised.</summary>
    public static ModuleBuild Cpu { get; } = new(CPU, ScalarType.Float32);

    /// <summary>Parameters on the meta device: shapes only, no storage.</summary>
    public static ModuleBuild Meta { get; } = new(META, ScalarType.Float32, Initialize: false);

    /// <summary>Whether parameters get their random initialisation (never on the meta device).</summary>
    public bool ShouldInitialize => Initialize && Device.type != DeviceType.META;

    /// <summary>A trainable parameter of this shape, uninitialised (fill it when <see cref="ShouldInitialize"/>).</summary>
    public TorchSharp.Modules.Parameter NewParameter(params long[] shape) =>
        new(empty(shape, DType, Device), requires_grad: true);

    /// <summary>A trainable parameter of ones (left uninitialised when <see cref="ShouldInitialize"/> is false).</summary>
    public TorchSharp.Modules.Parameter Ones(params long[] shape) =>
        new(ShouldInitialize ? ones(shape, DType, Device) : empty(shape, DType, Device), requires_grad: true);
}
