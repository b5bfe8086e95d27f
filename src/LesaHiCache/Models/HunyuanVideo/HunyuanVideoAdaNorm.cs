using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>diffusers <c>HunyuanVideoAdaNorm</c>: linear(silu(temb)) split into the attention and MLP gates, each [B, 1, C].</summary>
internal sealed class HunyuanVideoAdaNorm : nn.Module
{
    private readonly LinearLayer linear;

    public HunyuanVideoAdaNorm(long dim, ModuleBuild build) : base(nameof(HunyuanVideoAdaNorm))
    {
        linear = new LinearLayer(dim, 2 * dim, build);
        RegisterComponents();
    }

    public (Tensor GateMsa, Tensor GateMlp) Gates(Tensor temb)
    {
        using var activated = nn.functional.silu(temb);
        using var both = linear.call(activated);
        var halves = both.chunk(2, dim: 1);
        return (halves[0].unsqueeze(1), halves[1].unsqueeze(1));
    }
}
