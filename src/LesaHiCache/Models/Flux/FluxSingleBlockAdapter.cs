using LesaHiCache.Caching;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>A single-stream block with one call's conditioning, as the caching runner drives it.</summary>
internal sealed class FluxSingleBlockAdapter(FluxSingleTransformerBlock block, FluxCallConditioning call) : ICacheableBlock<FluxStreams>
{
    public FluxStreams Forward(FluxStreams state, IBranchOutputs branches) =>
        new(block.Forward(state.Tokens, state.TextLength, call.Activated, call.Rope, branches), state.TextLength);

    public void AddForecasts(Tensor hidden, IGatedForecasts forecasts) => block.AddForecasts(hidden, call.Activated, forecasts);
}
