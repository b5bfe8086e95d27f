using LesaHiCache.Caching;
using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>A Wan block with one call's conditioning, as the caching runner drives it (the state's image stream is the video tokens, its context the embedded text).</summary>
internal sealed class WanBlockAdapter(WanTransformerBlock block, WanCallConditioning call) : ICacheableBlock<FluxStreams>
{
    public FluxStreams Forward(FluxStreams state, IBranchOutputs branches) =>
        new(block.Forward(state.Image, state.Context, call.Projection, call.Rope, branches), state.Context);

    public void AddForecasts(Tensor hidden, IGatedForecasts forecasts) => block.AddForecasts(hidden, call.Projection, forecasts);
}
