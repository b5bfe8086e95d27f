using LesaHiCache.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Double-stream MMDiT block (diffusers <c>FluxTransformerBlock</c>): image and text tokens keep
/// separate weights and modulation but attend jointly.
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
    public (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, Tensor temb, RotaryTables rope)
    {
        using var scope = NewDisposeScope();
        var (normedImage, imageMod) = norm1.forward(image, temb);
        var (normedContext, contextMod) = norm1_context.forward(context, temb);
        var (imageAttention, contextAttention) = attn.Forward(normedImage, normedContext, rope);

        var newImage = ApplyMlp(image + imageMod.GateMsa.unsqueeze(1) * imageAttention, imageMod, ff);
        var newContext = ApplyMlp(context + contextMod.GateMsa.unsqueeze(1) * contextAttention, contextMod, ff_context);
        if (newContext.dtype == ScalarType.Float16)
        {
            newContext = newContext.clip(-65504, 65504);
        }

        return (newImage.MoveToOuterDisposeScope(), newContext.MoveToOuterDisposeScope());
    }

    private static Tensor ApplyMlp(Tensor x, ZeroModulation modulation, FeedForward mlp)
    {
        var normed = Modulation.Apply(Modulation.LayerNorm(x), modulation.ShiftMlp, modulation.ScaleMlp);
        return x + modulation.GateMlp.unsqueeze(1) * mlp.forward(normed);
    }
}
