using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>diffusers <c>HunyuanVideoPatchEmbed</c>: the patch convolution <c>proj</c>, on packed tokens.</summary>
internal sealed class HunyuanVideoPatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly HunyuanVideoPatchProjection proj;

    public HunyuanVideoPatchEmbed(long channels, long dim, long patchT, long patch, ModuleBuild build) : base(nameof(HunyuanVideoPatchEmbed))
    {
        proj = new HunyuanVideoPatchProjection(channels, dim, patchT, patch, build);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens) => proj.forward(tokens);
}
