using LesaHiCache.Caching;
using LesaHiCache.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Single-stream block (diffusers <c>FluxSingleTransformerBlock</c>): one modulation for the
/// concatenated [text, image] tokens, attention and MLP in parallel, one fused output projection.
/// Its cacheable item is that projection's output, before the gate.
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
    public Tensor Forward(Tensor tokens, Tensor temb, RotaryTables rope) => Forward(tokens, temb, rope, NoFeatureCache.Instance, "");

    /// <summary>Runs the block, asking <paramref name="cache"/> for the item <c>{prefix}fused</c>.</summary>
    public Tensor Forward(Tensor tokens, Tensor temb, RotaryTables rope, IFeatureCacheStep cache, string prefix)
    {
        using var activated = nn.functional.silu(temb);
        return ForwardActivated(tokens, activated, rope, cache, prefix);
    }

    /// <summary>As <see cref="Forward(Tensor, Tensor, RotaryTables, IFeatureCacheStep, string)"/>, given silu(temb) computed once for all blocks.</summary>
    internal Tensor ForwardActivated(Tensor tokens, Tensor activatedTemb, RotaryTables rope, IFeatureCacheStep cache, string prefix)
    {
        ArgumentNullException.ThrowIfNull(cache);
        using var scope = NewDisposeScope();
        Tensor gate, fused;
        if (cache.ComputesItems)
        {
            (var shift, var scale, gate) = norm.ModulateActivated(activatedTemb);
            fused = cache.Item(prefix + "fused", () =>
            {
                var normed = AdaLayerNormZeroSingle.Normalize(tokens, shift, scale);
                var mlp = nn.functional.gelu(proj_mlp.call(normed), TorchSharp.Modules.GELU.Approximate.tanh);
                var attention = attn.Forward(normed, rope);
                return proj_out.call(cat([attention, mlp], dim: 2));
            });
        }
        else
        {
            // Forecast step: only the gate is needed.
            gate = norm.Gate(activatedTemb);
            fused = cache.Item(prefix + "fused", () => throw new InvalidOperationException("A forecast step computed a single-stream block."));
        }

        var result = tokens.addcmul(gate.unsqueeze(1), fused, 1);
        if (result.dtype == ScalarType.Float16)
        {
            result = result.clip(-65504, 65504);
        }

        return result.MoveToOuterDisposeScope();
    }
}
