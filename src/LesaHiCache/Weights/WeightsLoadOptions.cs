namespace LesaHiCache.Weights;

/// <summary>Options for <see cref="WeightsLoader"/>.</summary>
public sealed class WeightsLoadOptions
{
    /// <summary>Default options: strict keys, floating-point tensors converted to the module's dtype.</summary>
    public static WeightsLoadOptions Default { get; } = new();

    /// <summary>
    /// When <c>false</c> (default) floating-point checkpoint tensors are converted to each parameter's floating-point
    /// dtype, as diffusers does with <c>torch_dtype</c>. When <c>true</c>, any dtype difference is an error.
    /// Non-floating tensors must always match exactly, and a non-floating tensor is never loaded into a floating parameter.
    /// </summary>
    public bool ExactDtype { get; init; }

    /// <summary>
    /// When <c>true</c> (default), missing and unexpected keys are errors. When <c>false</c>, matching keys are loaded
    /// and the others reported in <see cref="WeightsLoadResult"/>.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>Base name of the weights files looked for in a folder (default <c>diffusion_pytorch_model</c>).</summary>
    public string WeightsName { get; init; } = DiffusersWeightsNames.DefaultWeightsName;

    /// <summary>
    /// Most bytes of tensor data read into host memory at once (default 1 GiB); a tensor larger than this is read alone.
    /// Bounds peak memory for big shards.
    /// </summary>
    public long ReadBatchBytes { get; init; } = 1L << 30;
}
