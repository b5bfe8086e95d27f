using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>diffusers <c>HunyuanVideoIndividualTokenRefiner</c>: the refiner's blocks (<c>refiner_blocks</c>).</summary>
internal sealed class HunyuanVideoIndividualTokenRefiner : nn.Module
{
    private readonly TorchSharp.Modules.ModuleList<HunyuanVideoRefinerBlock> refiner_blocks;

    public HunyuanVideoIndividualTokenRefiner(long dim, long heads, long headDim, int layers, ModuleBuild build) : base(nameof(HunyuanVideoIndividualTokenRefiner))
    {
        refiner_blocks = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new HunyuanVideoRefinerBlock(dim, heads, headDim, build)).ToArray());
        RegisterComponents();
    }

    public Tensor Forward(Tensor tokens, Tensor temb)
    {
        var current = tokens.alias();
        foreach (var block in refiner_blocks)
        {
            var next = block.Forward(current, temb);
            current.Dispose();
            current = next;
        }

        return current;
    }
}
