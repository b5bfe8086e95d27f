using LesaHiCache.Caching;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>A block over separate image (or video) and text streams with joint attention (FLUX, HunyuanVideo, Qwen-Image).</summary>
internal interface IDualStreamBlock
{
    /// <summary>Runs the block given silu(temb), handing the image stream's branch outputs, before their gates, to <paramref name="branches"/>.</summary>
    (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, Tensor activatedTemb, RotaryTables rope, IBranchOutputs branches);

    /// <summary>A module-level forecast step: adds the gated forecasts of the image stream's branches to <paramref name="image"/>, in place.</summary>
    void AddForecasts(Tensor image, Tensor activatedTemb, IGatedForecasts forecasts);

    /// <summary>The image stream's attention input, LayerNorm(image) (1 + scale_msa) + shift_msa, without running the block (what TeaCache measures on block 0).</summary>
    Tensor ModulatedImageInput(Tensor image, Tensor activatedTemb);
}
