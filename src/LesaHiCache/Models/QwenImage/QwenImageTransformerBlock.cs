using LesaHiCache.Caching;
using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.QwenImage;

/// <summary>
/// Qwen-Image's dual-stream block (diffusers <c>QwenImageTransformerBlock</c>): image and text tokens
/// keep separate modulation (<c>img_mod</c>/<c>txt_mod</c>: SiLU then one linear to six vectors),
/// non-affine LayerNorms and MLPs, and attend jointly over [text, image] with QK RMSNorm and RoPE.
/// Its cached branches are the image stream's attention and MLP outputs before their gates; the text
/// stream is not cached: on a forecast step no block attends, so no image token depends on the text.
/// </summary>
internal sealed class QwenImageTransformerBlock : nn.Module, IDualStreamBlock
{
    /// <summary>Slot of the image stream's attention output among the block's cached branches.</summary>
    public const int ImageAttentionSlot = 0;

    /// <summary>Slot of the image stream's MLP output among the block's cached branches.</summary>
    public const int ImageMlpSlot = 1;

    /// <summary>Branches the block hands to the cache at module level.</summary>
    public const int CachedSlots = ImageMlpSlot + 1;

    private readonly TorchSharp.Modules.ModuleList<nn.Module> img_mod;
    private readonly FluxAttention attn;
    private readonly FeedForward img_mlp;
    private readonly TorchSharp.Modules.ModuleList<nn.Module> txt_mod;
    private readonly FeedForward txt_mlp;

    /// <summary>Creates the block.</summary>
    public QwenImageTransformerBlock(long dim, long heads, long headDim, ModuleBuild build) : base(nameof(QwenImageTransformerBlock))
    {
        img_mod = nn.ModuleList<nn.Module>(nn.SiLU(), new LinearLayer(dim, 6 * dim, build));
        attn = new FluxAttention(dim, heads, headDim, jointContext: true, build);
        img_mlp = new FeedForward(dim, build);
        txt_mod = nn.ModuleList<nn.Module>(nn.SiLU(), new LinearLayer(dim, 6 * dim, build));
        txt_mlp = new FeedForward(dim, build);
        RegisterComponents();
    }

    private LinearLayer ImageModulation => (LinearLayer)img_mod[1];

    private LinearLayer TextModulation => (LinearLayer)txt_mod[1];

    /// <summary>
    /// Runs the block given silu(temb) (shared by all blocks of a call), handing the image stream's
    /// attention and MLP outputs before their gates to <paramref name="branches"/>.
    /// </summary>
    public (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, Tensor activatedTemb, RotaryTables rope, IBranchOutputs branches)
    {
        using var scope = NewDisposeScope();
        var imageMod = Modulate(ImageModulation, activatedTemb);
        var contextMod = Modulate(TextModulation, activatedTemb);
        var (imageAttention, contextAttention) = attn.Forward(
            AdaLayerNormZero.NormalizeForAttention(image, imageMod),
            AdaLayerNormZero.NormalizeForAttention(context, contextMod),
            rope);

        branches.Computed(ImageAttentionSlot, imageAttention);
        var newImage = image.addcmul(imageMod.GateMsa.unsqueeze(1), imageAttention, Scalars.One);
        var imageMlp = img_mlp.call(AdaLayerNormZero.NormalizeForMlp(newImage, imageMod));
        branches.Computed(ImageMlpSlot, imageMlp);
        newImage = Float16Range.ClampInPlace(newImage.addcmul(imageMod.GateMlp.unsqueeze(1), imageMlp, Scalars.One));

        var newContext = context.addcmul(contextMod.GateMsa.unsqueeze(1), contextAttention, Scalars.One);
        var contextMlp = txt_mlp.call(AdaLayerNormZero.NormalizeForMlp(newContext, contextMod));
        newContext = Float16Range.ClampInPlace(newContext.addcmul(contextMod.GateMlp.unsqueeze(1), contextMlp, Scalars.One));
        return (newImage.MoveToOuterDisposeScope(), newContext.MoveToOuterDisposeScope());
    }

    /// <summary>The image stream's attention input, LayerNorm(image) (1 + scale_msa) + shift_msa, without running the block.</summary>
    public Tensor ModulatedImageInput(Tensor image, Tensor activatedTemb)
    {
        using var scope = NewDisposeScope();
        return AdaLayerNormZero.NormalizeForAttention(image, Modulate(ImageModulation, activatedTemb)).MoveToOuterDisposeScope();
    }

    /// <summary>A module-level forecast step: <paramref name="image"/> += gate_msa * forecast(attention) + gate_mlp * forecast(MLP), in place, then the float16 clamp the block applies.</summary>
    public void AddForecasts(Tensor image, Tensor activatedTemb, IGatedForecasts forecasts)
    {
        using var scope = NewDisposeScope();
        var dim = ImageModulation.OutFeatures / 6;
        forecasts.AddTo(image, ImageAttentionSlot, ImageModulation.ForwardRows(activatedTemb, 2 * dim, dim).unsqueeze(1));
        forecasts.AddTo(image, ImageMlpSlot, ImageModulation.ForwardRows(activatedTemb, 5 * dim, dim).unsqueeze(1));
        Float16Range.ClampInPlace(image);
    }

    /// <summary>The six vectors (shift, scale, gate for attention, then for the MLP), as diffusers chunks them.</summary>
    private static ZeroModulation Modulate(LinearLayer modulation, Tensor activatedTemb)
    {
        var chunks = modulation.call(activatedTemb).chunk(6, dim: 1);
        return new ZeroModulation(chunks[0], chunks[1], chunks[2], chunks[3], chunks[4], chunks[5]);
    }
}
