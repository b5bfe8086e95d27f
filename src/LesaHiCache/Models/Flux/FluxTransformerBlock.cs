using LesaHiCache.Caching;
using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Double-stream MMDiT block (diffusers <c>FluxTransformerBlock</c>): image and text tokens keep
/// separate weights and modulation but attend jointly. Its cached branches are the image stream's
/// attention and MLP outputs before their gates (<see cref="ImageAttentionSlot"/>, <see cref="ImageMlpSlot"/>). The text stream
/// is not cached: on a forecast step no block attends, so no image token depends on the text tokens
/// before the next full step, which computes them afresh.
/// </summary>
internal sealed class FluxTransformerBlock : nn.Module, IDualStreamBlock
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

    /// <summary>Slot of the image stream's attention output among the block's cached branches.</summary>
    public const int ImageAttentionSlot = 0;

    /// <summary>Slot of the image stream's MLP output among the block's cached branches.</summary>
    public const int ImageMlpSlot = 1;

    /// <summary>Branches the block hands to the cache at module level.</summary>
    public const int CachedSlots = ImageMlpSlot + 1;

    /// <summary>Runs the block; returns the updated (image, context) streams.</summary>
    public (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, Tensor temb, RotaryTables rope)
    {
        using var activated = nn.functional.silu(temb);
        return Forward(image, context, activated, rope, NoBranchOutputs.Instance);
    }

    /// <summary>
    /// Runs the block given silu(temb), computed once for all blocks, handing the image stream's
    /// attention and MLP outputs before their gates to <paramref name="branches"/>.
    /// </summary>
    public (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, Tensor activatedTemb, RotaryTables rope, IBranchOutputs branches)
    {
        using var scope = NewDisposeScope();
        var imageMod = norm1.ModulateActivated(activatedTemb);
        var contextMod = norm1_context.ModulateActivated(activatedTemb);
        var (imageAttention, contextAttention) = attn.Forward(
            AdaLayerNormZero.NormalizeForAttention(image, imageMod),
            AdaLayerNormZero.NormalizeForAttention(context, contextMod),
            rope);

        branches.Computed(ImageAttentionSlot, imageAttention);
        var newImage = image.addcmul(imageMod.GateMsa.unsqueeze(1), imageAttention, Scalars.One);
        var imageMlp = ff.call(AdaLayerNormZero.NormalizeForMlp(newImage, imageMod));
        branches.Computed(ImageMlpSlot, imageMlp);
        newImage = newImage.addcmul(imageMod.GateMlp.unsqueeze(1), imageMlp, Scalars.One);

        var newContext = context.addcmul(contextMod.GateMsa.unsqueeze(1), contextAttention, Scalars.One);
        var contextMlp = ff_context.call(AdaLayerNormZero.NormalizeForMlp(newContext, contextMod));
        newContext = Float16Range.ClampInPlace(newContext.addcmul(contextMod.GateMlp.unsqueeze(1), contextMlp, Scalars.One));
        return (newImage.MoveToOuterDisposeScope(), newContext.MoveToOuterDisposeScope());
    }

    /// <summary>The image stream's attention input, LayerNorm(image) (1 + scale_msa) + shift_msa, without running the block.</summary>
    public Tensor ModulatedImageInput(Tensor image, Tensor activatedTemb)
    {
        using var scope = NewDisposeScope();
        return AdaLayerNormZero.NormalizeForAttention(image, norm1.ModulateActivated(activatedTemb)).MoveToOuterDisposeScope();
    }

    /// <summary>A module-level forecast step: <paramref name="image"/> += gate_msa * forecast(attention) + gate_mlp * forecast(MLP), in place.</summary>
    public void AddForecasts(Tensor image, Tensor activatedTemb, IGatedForecasts forecasts)
    {
        using var scope = NewDisposeScope();
        var (gateMsa, gateMlp) = norm1.Gates(activatedTemb);
        forecasts.AddTo(image, ImageAttentionSlot, gateMsa.unsqueeze(1));
        forecasts.AddTo(image, ImageMlpSlot, gateMlp.unsqueeze(1));
    }
}
