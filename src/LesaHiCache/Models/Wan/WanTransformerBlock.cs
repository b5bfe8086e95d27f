using LesaHiCache.Caching;
using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// Wan's block (diffusers <c>WanTransformerBlock</c>): the per-block <c>scale_shift_table</c> [1, 6, dim]
/// plus the call's time projection gives six vectors (shift, scale, gate of the self-attention, then of
/// the feed-forward); self-attention with RoPE on <c>norm1</c>'s modulated output (gated), cross-attention
/// to the text on <c>norm2</c>'s output (added ungated), and the feed-forward on <c>norm3</c>'s modulated
/// output (gated). Modulation and residual sums are in float32, as diffusers computes them.
/// Its cached branches are the three outputs added to the video stream, each before its gate; the
/// cross-attention's gate is one. On a forecast step the cross-attention to the text is forecast too,
/// which is sound because the text is constant within a generation.
/// </summary>
internal sealed class WanTransformerBlock : nn.Module
{
    /// <summary>Slot of the self-attention output among the block's cached branches.</summary>
    public const int SelfAttentionSlot = 0;

    /// <summary>Slot of the cross-attention output (added with a gate of one).</summary>
    public const int CrossAttentionSlot = 1;

    /// <summary>Slot of the feed-forward output.</summary>
    public const int FeedForwardSlot = 2;

    /// <summary>Branches the block hands to the cache at module level.</summary>
    public const int CachedSlots = FeedForwardSlot + 1;

    private readonly WanLayerNorm norm1;
    private readonly WanAttention attn1;
    private readonly WanAttention attn2;
    private readonly WanLayerNorm? norm2;
    private readonly FeedForward ffn;
    private readonly WanLayerNorm norm3;
    private readonly TorchSharp.Modules.Parameter scale_shift_table;

    public WanTransformerBlock(long dim, long ffnDim, long heads, bool crossAttnNorm, double eps, ModuleBuild build) : base(nameof(WanTransformerBlock))
    {
        ArgumentNullException.ThrowIfNull(build);
        norm1 = new WanLayerNorm(dim, eps, affine: false, build);
        attn1 = new WanAttention(dim, heads, eps, build);
        attn2 = new WanAttention(dim, heads, eps, build);
        norm2 = crossAttnNorm ? new WanLayerNorm(dim, eps, affine: true, build) : null;
        ffn = new FeedForward(dim, build, innerDim: ffnDim);
        norm3 = new WanLayerNorm(dim, eps, affine: false, build);
        scale_shift_table = build.NewParameter(1, 6, dim);
        if (build.ShouldInitialize)
        {
            using var _ = no_grad();
            scale_shift_table.normal_(0, 1.0 / Math.Sqrt(dim)); // torch.randn(1, 6, dim) / dim**0.5
        }

        RegisterComponents();
    }

    /// <summary>
    /// Runs the block on the video tokens <paramref name="hidden"/> [B, L, dim] given the embedded text
    /// and the call's time projection [B, 6, dim] (float32), handing the self-attention, cross-attention
    /// and feed-forward outputs before their gates to <paramref name="branches"/>.
    /// </summary>
    public Tensor Forward(Tensor hidden, Tensor text, Tensor projection, RotaryTables rope, IBranchOutputs branches)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        using var scope = NewDisposeScope();
        var dtype = hidden.dtype;
        var modulation = scale_shift_table.to_type(ScalarType.Float32).add(projection).chunk(6, dim: 1);
        var (shift, scale, gate, feedShift, feedScale, feedGate) = (modulation[0], modulation[1], modulation[2], modulation[3], modulation[4], modulation[5]);

        var selfAttention = attn1.Forward(Modulate(norm1, hidden, scale, shift).to_type(dtype), null, rope);
        branches.Computed(SelfAttentionSlot, selfAttention);
        var x = hidden.to_type(ScalarType.Float32).addcmul(selfAttention.to_type(ScalarType.Float32), gate, Scalars.One).to_type(dtype);

        var crossInput = norm2 is null ? x : norm2.forward(x.to_type(ScalarType.Float32)).to_type(dtype);
        var crossAttention = attn2.Forward(crossInput, text, null);
        branches.Computed(CrossAttentionSlot, crossAttention);
        x = x.add(crossAttention);

        var feedForward = ffn.call(Modulate(norm3, x, feedScale, feedShift).to_type(dtype));
        branches.Computed(FeedForwardSlot, feedForward);
        x = x.to_type(ScalarType.Float32).addcmul(feedForward.to_type(ScalarType.Float32), feedGate, Scalars.One).to_type(dtype);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A module-level forecast step: <paramref name="hidden"/> += gate_msa * forecast(self-attention)
    /// + forecast(cross-attention) + c_gate_msa * forecast(feed-forward), in place; only the gates are computed.
    /// </summary>
    public void AddForecasts(Tensor hidden, Tensor projection, IGatedForecasts forecasts)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(forecasts);
        using var scope = NewDisposeScope();
        var table = scale_shift_table.to_type(ScalarType.Float32);
        forecasts.AddTo(hidden, SelfAttentionSlot, table.narrow(1, 2, 1).add(projection.narrow(1, 2, 1)));
        forecasts.AddTo(hidden, CrossAttentionSlot, ones([1], hidden.dtype, hidden.device));
        forecasts.AddTo(hidden, FeedForwardSlot, table.narrow(1, 5, 1).add(projection.narrow(1, 5, 1)));
    }

    /// <summary>norm(x in float32) * (1 + scale) + shift, in float32.</summary>
    private static Tensor Modulate(WanLayerNorm norm, Tensor x, Tensor scale, Tensor shift) =>
        norm.forward(x.to_type(ScalarType.Float32)).mul(scale.add(Scalars.One)).add(shift);
}
