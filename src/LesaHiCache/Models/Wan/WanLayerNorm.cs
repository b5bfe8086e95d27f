using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// diffusers' <c>FP32LayerNorm</c>: LayerNorm over the last axis computed in float32 (input, weight and
/// bias upcast), returned in the input's dtype. With <c>elementwise_affine</c> it has keys
/// <c>weight</c> and <c>bias</c>; without, no parameters.
/// </summary>
internal sealed class WanLayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter? weight;
    private readonly TorchSharp.Modules.Parameter? bias;
    private readonly long dim;
    private readonly double eps;

    public WanLayerNorm(long dim, double eps, bool affine, ModuleBuild build) : base(nameof(WanLayerNorm))
    {
        ArgumentNullException.ThrowIfNull(build);
        this.dim = dim;
        this.eps = eps;
        if (affine)
        {
            weight = build.Ones(dim);
            bias = build.NewParameter(dim);
            if (build.ShouldInitialize)
            {
                using var _ = no_grad();
                bias.zero_();
            }
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var normed = nn.functional.layer_norm(
            input.to_type(ScalarType.Float32), [dim], weight?.to_type(ScalarType.Float32), bias?.to_type(ScalarType.Float32), eps);
        return normed.to_type(input.dtype).MoveToOuterDisposeScope();
    }
}
