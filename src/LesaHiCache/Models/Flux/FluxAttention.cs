using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// FLUX joint attention (diffusers <c>FluxAttention</c>): QK RMSNorm, RoPE, one softmax over the
/// concatenated [text, image] tokens. With a context stream (double-stream blocks) it has the
/// <c>add_*</c> projections and output projections for both streams; the single-stream form
/// (<c>pre_only</c>) has neither output projection.
/// </summary>
internal sealed class FluxAttention : nn.Module
{
    private readonly LinearLayer to_q;
    private readonly LinearLayer to_k;
    private readonly LinearLayer to_v;
    private readonly RmsNorm norm_q;
    private readonly RmsNorm norm_k;
    private readonly LinearLayer? add_q_proj;
    private readonly LinearLayer? add_k_proj;
    private readonly LinearLayer? add_v_proj;
    private readonly RmsNorm? norm_added_q;
    private readonly RmsNorm? norm_added_k;
    private readonly TorchSharp.Modules.ModuleList<nn.Module>? to_out;
    private readonly LinearLayer? to_add_out;
    private readonly long heads;
    private readonly long headDim;

    /// <summary>Creates the attention; <paramref name="jointContext"/> selects the double-stream form.</summary>
    public FluxAttention(long dim, long heads, long headDim, bool jointContext, ModuleBuild build) : base(nameof(FluxAttention))
    {
        this.heads = heads;
        this.headDim = headDim;
        var inner = heads * headDim;
        to_q = new LinearLayer(dim, inner, build);
        to_k = new LinearLayer(dim, inner, build);
        to_v = new LinearLayer(dim, inner, build);
        norm_q = new RmsNorm(headDim, build);
        norm_k = new RmsNorm(headDim, build);
        if (jointContext)
        {
            add_q_proj = new LinearLayer(dim, inner, build);
            add_k_proj = new LinearLayer(dim, inner, build);
            add_v_proj = new LinearLayer(dim, inner, build);
            norm_added_q = new RmsNorm(headDim, build);
            norm_added_k = new RmsNorm(headDim, build);
            to_out = nn.ModuleList<nn.Module>(new LinearLayer(inner, dim, build), nn.Dropout(0.0));
            to_add_out = new LinearLayer(inner, dim, build);
        }

        RegisterComponents();
    }

    /// <summary>
    /// Single-stream form: attention over <paramref name="tokens"/> [B, L, C] ([text, image]
    /// already concatenated); returns [B, L, inner] with no output projection.
    /// </summary>
    public Tensor Forward(Tensor tokens, RotaryTables rope)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(rope);
        using var scope = NewDisposeScope();
        var (q, k, v) = Project(tokens, to_q, to_k, to_v, norm_q, norm_k);
        return AttendWithRope(q, k, v, rope).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Double-stream form: joint attention over [context, image]; returns the projected
    /// image and context outputs (before their gates).
    /// </summary>
    public (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, RotaryTables rope)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rope);
        if (to_out is null)
        {
            throw new InvalidOperationException("This attention was built without a context stream.");
        }

        using var scope = NewDisposeScope();
        var (q, k, v) = Project(image, to_q, to_k, to_v, norm_q, norm_k);
        var (cq, ck, cv) = Project(context, add_q_proj!, add_k_proj!, add_v_proj!, norm_added_q!, norm_added_k!);
        var joint = AttendWithRope(cat([cq, q], 1), cat([ck, k], 1), cat([cv, v], 1), rope);
        var contextLength = context.shape[1];
        var contextOut = to_add_out!.call(joint[.., ..(int)contextLength]);
        var imageOut = ((LinearLayer)to_out[0]).call(joint[.., (int)contextLength..]);
        return (imageOut.MoveToOuterDisposeScope(), contextOut.MoveToOuterDisposeScope());
    }

    private (Tensor Q, Tensor K, Tensor V) Project(Tensor x, LinearLayer wq, LinearLayer wk, LinearLayer wv, RmsNorm nq, RmsNorm nk)
    {
        var q = nq.forward(wq.call(x).unflatten(2, [heads, headDim]));
        var k = nk.forward(wk.call(x).unflatten(2, [heads, headDim]));
        var v = wv.call(x).unflatten(2, [heads, headDim]);
        return (q, k, v);
    }

    private static Tensor AttendWithRope(Tensor q, Tensor k, Tensor v, RotaryTables rope) =>
        Attention.Compute(RotaryEmbedding.Apply(q, rope.Cos, rope.Sin), RotaryEmbedding.Apply(k, rope.Cos, rope.Sin), v);
}
