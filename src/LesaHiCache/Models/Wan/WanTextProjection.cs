using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>diffusers' <c>PixArtAlphaTextProjection</c> with <c>gelu_tanh</c>: <c>linear_1</c>, tanh-approximated GELU, <c>linear_2</c>.</summary>
internal sealed class WanTextProjection : nn.Module<Tensor, Tensor>
{
    private readonly LinearLayer linear_1;
    private readonly LinearLayer linear_2;

    public WanTextProjection(long inFeatures, long dim, ModuleBuild build) : base(nameof(WanTextProjection))
    {
        linear_1 = new LinearLayer(inFeatures, dim, build);
        linear_2 = new LinearLayer(dim, dim, build);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var hidden = linear_1.call(input);
        using var activated = nn.functional.gelu(hidden, TorchSharp.Modules.GELU.Approximate.tanh);
        return linear_2.call(activated);
    }
}
