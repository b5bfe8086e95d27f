using LesaHiCache.Caching;
using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.QwenImage;

/// <summary>A Qwen-Image block with one call's conditioning, as the caching runner drives it.</summary>
internal sealed class QwenImageBlockAdapter(QwenImageTransformerBlock block, FluxCallConditioning call) : ICacheableBlock<FluxStreams>
{
    public FluxStreams Forward(FluxStreams state, IBranchOutputs branches)
    {
        var (image, context) = block.Forward(state.Image, state.Context, call.Activated, call.Rope, branches);
        return new FluxStreams(image, context);
    }

    public void AddForecasts(Tensor hidden, IGatedForecasts forecasts) => block.AddForecasts(hidden, call.Activated, forecasts);
}
