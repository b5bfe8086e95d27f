using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// Wan's attention (diffusers <c>WanAttention</c>, text-to-video form): <c>to_q</c>, <c>to_k</c>,
/// <c>to_v</c>, <c>to_out.0</c>, and RMSNorms <c>norm_q</c>/<c>norm_k</c> over the whole inner
/// dimension (all heads together, before the split into heads). Self-attention rotates queries and
/// keys with RoPE; cross-attention takes keys and values from the text and has no RoPE.
/// </summary>
internal sealed class WanAttention : nn.Module
{
    private readonly LinearLayer to_q;
    private readonly LinearLayer to_k;
    private readonly LinearLayer to_v;
    private readonly TorchSharp.Modules.ModuleList<nn.Module> to_out;
    private readonly RmsNorm norm_q;
    private readonly RmsNorm norm_k;
    private readonly long heads;
    private readonly long headDim;

    public WanAttention(long dim, long heads, double eps, ModuleBuild build) : base(nameof(WanAttention))
    {
        this.heads = heads;
        headDim = dim / heads;
        var inner = heads * headDim;
        to_q = new LinearLayer(dim, inner, build);
        to_k = new LinearLayer(dim, inner, build);
        to_v = new LinearLayer(dim, inner, build);
        to_out = nn.ModuleList<nn.Module>(new LinearLayer(inner, dim, build), nn.Dropout(0.0));
        norm_q = new RmsNorm(inner, build, eps);
        norm_k = new RmsNorm(inner, build, eps);
        RegisterComponents();
    }

    /// <summary>
    /// Attention of <paramref name="hidden"/> [B, L, dim] over <paramref name="context"/> [B, L_ctx, dim]
    /// (itself when null), with RoPE when <paramref name="rope"/> is given; returns [B, L, dim].
    /// </summary>
    public Tensor Forward(Tensor hidden, Tensor? context, RotaryTables? rope)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        using var scope = NewDisposeScope();
        var source = context ?? hidden;
        var q = norm_q.forward(to_q.call(hidden)).unflatten(2, [heads, headDim]);
        var k = norm_k.forward(to_k.call(source)).unflatten(2, [heads, headDim]);
        var v = to_v.call(source).unflatten(2, [heads, headDim]);
        if (rope is not null)
        {
            q = RotaryEmbedding.Apply(q, rope.Cos, rope.Sin);
            k = RotaryEmbedding.Apply(k, rope.Cos, rope.Sin);
        }

        var attended = Attention.Compute(q, k, v).to_type(hidden.dtype);
        return ((LinearLayer)to_out[0]).call(attended).MoveToOuterDisposeScope();
    }
}
