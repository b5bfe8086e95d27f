using LesaHiCache.Caching;
using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Single-stream block (diffusers <c>FluxSingleTransformerBlock</c>): one modulation for the
/// concatenated [text, image] tokens, attention and MLP in parallel, one fused output projection.
/// Its cached branch is that projection's output over the image tokens, before the gate
/// (<see cref="ImageFusedSlot"/>); the text tokens are not cached, as in the double-stream blocks.
/// </summary>
internal sealed class FluxSingleTransformerBlock : nn.Module
{
    private readonly AdaLayerNormZeroSingle norm;
    private readonly LinearLayer proj_mlp;
    private readonly LinearLayer proj_out;
    private readonly FluxAttention attn;

    /// <summary>Creates the block.</summary>
    public FluxSingleTransformerBlock(long dim, long heads, long headDim, ModuleBuild build, int mlpRatio = 4)
        : base(nameof(FluxSingleTransformerBlock))
    {
        norm = new AdaLayerNormZeroSingle(dim, build);
        proj_mlp = new LinearLayer(dim, mlpRatio * dim, build);
        proj_out = new LinearLayer(heads * headDim + mlpRatio * dim, dim, build);
        attn = new FluxAttention(dim, heads, headDim, jointContext: false, build);
        RegisterComponents();
    }

    /// <summary>Slot of the fused projection over the image tokens, the block's one cached branch.</summary>
    public const int ImageFusedSlot = 0;

    /// <summary>Branches the block hands to the cache at module level.</summary>
    public const int CachedSlots = ImageFusedSlot + 1;

    /// <summary>Runs the block on the concatenated [text, image] tokens [B, L, C].</summary>
    public Tensor Forward(Tensor tokens, Tensor temb, RotaryTables rope)
    {
        using var activated = nn.functional.silu(temb);
        return Forward(tokens, textTokens: 0, activated, rope, NoBranchOutputs.Instance);
    }

    /// <summary>
    /// Runs the block on [text, image] tokens whose first <paramref name="textTokens"/> are text, given
    /// silu(temb) computed once for all blocks, handing the fused projection over the image tokens
    /// (before its gate) to <paramref name="branches"/>.
    /// </summary>
    internal Tensor Forward(Tensor tokens, long textTokens, Tensor activatedTemb, RotaryTables rope, IBranchOutputs branches)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var length = tokens.shape[1];
        ArgumentOutOfRangeException.ThrowIfNegative(textTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(textTokens, length);
        using var scope = NewDisposeScope();
        var (shift, scale, gate) = norm.ModulateActivated(activatedTemb);
        var normed = AdaLayerNormZeroSingle.Normalize(tokens, shift, scale);
        var mlp = nn.functional.gelu(proj_mlp.call(normed), TorchSharp.Modules.GELU.Approximate.tanh);
        var attention = attn.Forward(normed, rope);
        var fused = proj_out.call(cat([attention, mlp], dim: 2));
        branches.Computed(ImageFusedSlot, fused.narrow(1, textTokens, length - textTokens));
        var result = tokens.addcmul(gate.unsqueeze(1), fused, Scalars.One);
        Float16Range.ClampInPlace(result);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>A module-level forecast step: <paramref name="image"/> += gate * forecast(fused), in place.</summary>
    internal void AddForecasts(Tensor image, Tensor activatedTemb, IGatedForecasts forecasts)
    {
        using var scope = NewDisposeScope();
        forecasts.AddTo(image, ImageFusedSlot, norm.Gate(activatedTemb).unsqueeze(1));
        Float16Range.ClampInPlace(image);
    }
}
