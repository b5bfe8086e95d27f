using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>
/// The output norm (diffusers <c>AdaLayerNormContinuous</c>): note the order scale, shift.
/// </summary>
internal sealed class AdaLayerNormContinuous : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LinearLayer linear;

    /// <summary>Creates the layer for width <paramref name="dim"/> conditioned on <paramref name="conditioningDim"/>.</summary>
    public AdaLayerNormContinuous(long dim, long conditioningDim, ModuleBuild build) : base(nameof(AdaLayerNormContinuous))
    {
        linear = new LinearLayer(conditioningDim, 2 * dim, build);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x, Tensor conditioning)
    {
        var chunks = linear.forward(nn.functional.silu(conditioning).to_type(x.dtype)).chunk(2, dim: 1);
        return Modulation.Apply(Modulation.LayerNorm(x), shift: chunks[1], scale: chunks[0]);
    }
}
