using LesaHiCache.Caching;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>A dual-stream block (FLUX, HunyuanVideo, Qwen-Image) with one call's conditioning, as the caching runner drives it.</summary>
internal sealed class FluxDoubleBlockAdapter(IDualStreamBlock block, FluxCallConditioning call) : ICacheableBlock<FluxStreams>, IModulatedInputSource
{
    public FluxStreams Forward(FluxStreams state, IBranchOutputs branches)
    {
        var (image, context) = block.Forward(state.Image, state.Context, call.Activated, call.Rope, branches);
        return new FluxStreams(image, context);
    }

    public void AddForecasts(Tensor hidden, IGatedForecasts forecasts) => block.AddForecasts(hidden, call.Activated, forecasts);

    public Tensor ModulatedInput(Tensor hidden) => block.ModulatedImageInput(hidden, call.Activated);
}
