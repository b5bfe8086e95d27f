using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>diffusers <c>LinearActivation</c> with SiLU: silu(proj(x)).</summary>
internal sealed class HunyuanVideoLinearSilu : nn.Module<Tensor, Tensor>
{
    private readonly LinearLayer proj;

    public HunyuanVideoLinearSilu(long dim, long hidden, ModuleBuild build) : base(nameof(HunyuanVideoLinearSilu))
    {
        proj = new LinearLayer(dim, hidden, build);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var projected = proj.call(input);
        return nn.functional.silu(projected);
    }
}
