using LesaHiCache.Caching;
using static TorchSharp.torch;

namespace DiTBlockCaching;

/// <summary>The adapter the caching runner drives: one block with one call's conditioning.</summary>
internal sealed class CachedDiTBlock(DiTBlock block, Tensor conditioning) : ICacheableBlock<Tensor>
{
    public Tensor Forward(Tensor state, IBranchOutputs branches) => block.Forward(state, conditioning, branches);

    public void AddForecasts(Tensor hidden, IGatedForecasts forecasts) => block.AddForecasts(hidden, conditioning, forecasts);
}
