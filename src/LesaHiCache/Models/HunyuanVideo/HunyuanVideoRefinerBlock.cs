using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>
/// diffusers <c>HunyuanVideoIndividualTokenRefinerBlock</c>: affine LayerNorm, self-attention, affine
/// LayerNorm, SiLU MLP, each residual gated by <c>norm_out</c> of the refiner's conditioning vector.
/// </summary>
internal sealed class HunyuanVideoRefinerBlock : nn.Module
{
    private readonly TorchSharp.Modules.LayerNorm norm1;
    private readonly HunyuanVideoRefinerAttention attn;
    private readonly TorchSharp.Modules.LayerNorm norm2;
    private readonly HunyuanVideoRefinerFeedForward ff;
    private readonly HunyuanVideoAdaNorm norm_out;

    public HunyuanVideoRefinerBlock(long dim, long heads, long headDim, ModuleBuild build) : base(nameof(HunyuanVideoRefinerBlock))
    {
        norm1 = nn.LayerNorm(dim, eps: 1e-6, elementwise_affine: true, device: build.Device, dtype: build.DType);
        attn = new HunyuanVideoRefinerAttention(dim, heads, headDim, build);
        norm2 = nn.LayerNorm(dim, eps: 1e-6, elementwise_affine: true, device: build.Device, dtype: build.DType);
        ff = new HunyuanVideoRefinerFeedForward(dim, build);
        norm_out = new HunyuanVideoAdaNorm(dim, build);
        RegisterComponents();
    }

    public Tensor Forward(Tensor tokens, Tensor temb)
    {
        using var scope = NewDisposeScope();
        var (gateMsa, gateMlp) = norm_out.Gates(temb);
        var attended = attn.call(norm1.call(tokens));
        var afterAttention = tokens.addcmul(attended, gateMsa, Scalars.One);
        var mlp = ff.call(norm2.call(afterAttention));
        return afterAttention.addcmul(mlp, gateMlp, Scalars.One).MoveToOuterDisposeScope();
    }
}
