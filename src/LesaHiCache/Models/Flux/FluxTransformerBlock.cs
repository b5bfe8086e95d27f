using LesaHiCache.Caching;
using LesaHiCache.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Double-stream MMDiT block (diffusers <c>FluxTransformerBlock</c>): image and text tokens keep
/// separate weights and modulation but attend jointly. Its cacheable items are the image stream's
/// attention and MLP outputs before their gates (<c>img_attn</c>, <c>img_mlp</c>). The text stream
/// is not cached: on a forecast step no block attends, so no image token depends on the text tokens
/// before the next full step, which computes them afresh.
/// </summary>
public sealed class FluxTransformerBlock : nn.Module
{
    private readonly AdaLayerNormZero norm1;
    private readonly AdaLayerNormZero norm1_context;
    private readonly FluxAttention attn;
    private readonly FeedForward ff;
    private readonly FeedForward ff_context;

    /// <summary>Creates the block.</summary>
    public FluxTransformerBlock(long dim, long heads, long headDim, ModuleBuild build) : base(nameof(FluxTransformerBlock))
    {
        norm1 = new AdaLayerNormZero(dim, build);
        norm1_context = new AdaLayerNormZero(dim, build);
        attn = new FluxAttention(dim, heads, headDim, jointContext: true, build);
        ff = new FeedForward(dim, build);
        ff_context = new FeedForward(dim, build);
        RegisterComponents();
    }

    /// <summary>Runs the block; returns the updated (image, context) streams.</summary>
    public (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, Tensor temb, RotaryTables rope) =>
        Forward(image, context, temb, rope, NoFeatureCache.Instance, "");

    /// <summary>
    /// Runs the block, asking <paramref name="cache"/> for the items <c>{prefix}img_attn</c> and
    /// <c>{prefix}img_mlp</c>. On a forecast step only the gates are computed and the image stream
    /// gets <c>gate * forecast</c> for each item; the text stream comes back unchanged.
    /// </summary>
    public (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, Tensor temb, RotaryTables rope, IFeatureCacheStep cache, string prefix)
    {
        using var activated = nn.functional.silu(temb);
        return ForwardActivated(image, context, activated, rope, cache, prefix);
    }

    /// <summary>As <see cref="Forward(Tensor, Tensor, Tensor, RotaryTables, IFeatureCacheStep, string)"/>, given silu(temb) computed once for all blocks.</summary>
    internal (Tensor Image, Tensor Context) ForwardActivated(Tensor image, Tensor context, Tensor activatedTemb, RotaryTables rope, IFeatureCacheStep cache, string prefix)
    {
        ArgumentNullException.ThrowIfNull(cache);
        using var scope = NewDisposeScope();
        if (!cache.ComputesItems)
        {
            var forecastImage = image.clone();
            AddForecasts(forecastImage, activatedTemb, cache, prefix);
            return (forecastImage.MoveToOuterDisposeScope(), context.alias().MoveToOuterDisposeScope());
        }

        var imageMod = norm1.ModulateActivated(activatedTemb);
        var contextMod = norm1_context.ModulateActivated(activatedTemb);
        var (imageAttention, contextAttention) = attn.Forward(
            AdaLayerNormZero.NormalizeForAttention(image, imageMod),
            AdaLayerNormZero.NormalizeForAttention(context, contextMod),
            rope);

        var newImage = image.addcmul(imageMod.GateMsa.unsqueeze(1), cache.Item(prefix + "img_attn", () => imageAttention), 1);
        var imageMlp = cache.Item(prefix + "img_mlp", () => ff.call(AdaLayerNormZero.NormalizeForMlp(newImage, imageMod)));
        newImage = newImage.addcmul(imageMod.GateMlp.unsqueeze(1), imageMlp, 1);

        var newContext = context.addcmul(contextMod.GateMsa.unsqueeze(1), contextAttention, 1);
        var contextMlp = ff_context.call(AdaLayerNormZero.NormalizeForMlp(newContext, contextMod));
        newContext = Float16Range.ClampInPlace(newContext.addcmul(contextMod.GateMlp.unsqueeze(1), contextMlp, 1));
        return (newImage.MoveToOuterDisposeScope(), newContext.MoveToOuterDisposeScope());
    }

    /// <summary>A forecast step: <paramref name="image"/> += gate_msa * forecast(img_attn) + gate_mlp * forecast(img_mlp), in place.</summary>
    internal void AddForecasts(Tensor image, Tensor activatedTemb, IFeatureCacheStep cache, string prefix)
    {
        using var scope = NewDisposeScope();
        var (gateMsa, gateMlp) = norm1.Gates(activatedTemb);
        cache.AddGatedForecast(prefix + "img_attn", image, gateMsa.unsqueeze(1));
        cache.AddGatedForecast(prefix + "img_mlp", image, gateMlp.unsqueeze(1));
    }
}
