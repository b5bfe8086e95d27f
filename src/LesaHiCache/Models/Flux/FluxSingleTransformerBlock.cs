using LesaHiCache.Caching;
using LesaHiCache.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Single-stream block (diffusers <c>FluxSingleTransformerBlock</c>): one modulation for the
/// concatenated [text, image] tokens, attention and MLP in parallel, one fused output projection.
/// Its cacheable item is that projection's output over the image tokens, before the gate
/// (<c>img_fused</c>); the text tokens are not cached, as in the double-stream blocks.
/// </summary>
public sealed class FluxSingleTransformerBlock : nn.Module
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

    /// <summary>Runs the block on the concatenated [text, image] tokens [B, L, C].</summary>
    public Tensor Forward(Tensor tokens, Tensor temb, RotaryTables rope) => Forward(tokens, temb, rope, NoFeatureCache.Instance, "", textTokens: 0);

    /// <summary>
    /// Runs the block on [text, image] tokens whose first <paramref name="textTokens"/> are text,
    /// asking <paramref name="cache"/> for the item <c>{prefix}img_fused</c>. On a forecast step only
    /// the gate is computed and the image tokens get <c>gate * forecast</c>; the text tokens come
    /// back unchanged.
    /// </summary>
    public Tensor Forward(Tensor tokens, Tensor temb, RotaryTables rope, IFeatureCacheStep cache, string prefix, long textTokens)
    {
        using var activated = nn.functional.silu(temb);
        return ForwardActivated(tokens, textTokens, activated, rope, cache, prefix);
    }

    /// <summary>As <see cref="Forward(Tensor, Tensor, RotaryTables, IFeatureCacheStep, string, long)"/>, given silu(temb) computed once for all blocks.</summary>
    internal Tensor ForwardActivated(Tensor tokens, long textTokens, Tensor activatedTemb, RotaryTables rope, IFeatureCacheStep cache, string prefix)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(cache);
        var length = tokens.shape[1];
        ArgumentOutOfRangeException.ThrowIfNegative(textTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(textTokens, length);
        using var scope = NewDisposeScope();
        if (!cache.ComputesItems)
        {
            var forecast = tokens.clone();
            AddForecast(forecast.narrow(1, textTokens, length - textTokens), activatedTemb, cache, prefix);
            return forecast.MoveToOuterDisposeScope();
        }

        var (shift, scale, gate) = norm.ModulateActivated(activatedTemb);
        var normed = AdaLayerNormZeroSingle.Normalize(tokens, shift, scale);
        var mlp = nn.functional.gelu(proj_mlp.call(normed), TorchSharp.Modules.GELU.Approximate.tanh);
        var attention = attn.Forward(normed, rope);
        var fused = proj_out.call(cat([attention, mlp], dim: 2));
        cache.Item(prefix + "img_fused", () => fused.narrow(1, textTokens, length - textTokens));
        var result = tokens.addcmul(gate.unsqueeze(1), fused, 1);
        Float16Range.ClampInPlace(result);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>A forecast step: <paramref name="image"/> += gate * forecast(img_fused), in place.</summary>
    internal void AddForecast(Tensor image, Tensor activatedTemb, IFeatureCacheStep cache, string prefix)
    {
        using var scope = NewDisposeScope();
        cache.AddGatedForecast(prefix + "img_fused", image, norm.Gate(activatedTemb).unsqueeze(1));
        Float16Range.ClampInPlace(image);
    }
}
