using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>The token refiner's MLP (diffusers <c>FeedForward</c> with "linear-silu"): <c>net.0.proj</c>, SiLU, <c>net.2</c>, 4x wide.</summary>
internal sealed class HunyuanVideoRefinerFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.ModuleList<nn.Module> net;

    public HunyuanVideoRefinerFeedForward(long dim, ModuleBuild build) : base(nameof(HunyuanVideoRefinerFeedForward))
    {
        net = nn.ModuleList<nn.Module>(new HunyuanVideoLinearSilu(dim, 4 * dim, build), nn.Dropout(0.0), new LinearLayer(4 * dim, dim, build));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = ((HunyuanVideoLinearSilu)net[0]).call(input);
        return ((LinearLayer)net[2]).call(hidden);
    }
}
