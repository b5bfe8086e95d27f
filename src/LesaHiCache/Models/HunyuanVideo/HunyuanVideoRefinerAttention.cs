using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>The token refiner's self-attention (diffusers <c>Attention</c> without QK norm or RoPE): <c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c>.</summary>
internal sealed class HunyuanVideoRefinerAttention : nn.Module<Tensor, Tensor>
{
    private readonly LinearLayer to_q;
    private readonly LinearLayer to_k;
    private readonly LinearLayer to_v;
    private readonly TorchSharp.Modules.ModuleList<nn.Module> to_out;
    private readonly long heads;
    private readonly long headDim;

    public HunyuanVideoRefinerAttention(long dim, long heads, long headDim, ModuleBuild build) : base(nameof(HunyuanVideoRefinerAttention))
    {
        this.heads = heads;
        this.headDim = headDim;
        to_q = new LinearLayer(dim, heads * headDim, build);
        to_k = new LinearLayer(dim, heads * headDim, build);
        to_v = new LinearLayer(dim, heads * headDim, build);
        to_out = nn.ModuleList<nn.Module>(new LinearLayer(heads * headDim, dim, build), nn.Dropout(0.0));
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var q = to_q.call(tokens).unflatten(2, [heads, headDim]);
        var k = to_k.call(tokens).unflatten(2, [heads, headDim]);
        var v = to_v.call(tokens).unflatten(2, [heads, headDim]);
        return ((LinearLayer)to_out[0]).call(Attention.Compute(q, k, v)).MoveToOuterDisposeScope();
    }
}
