using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// One block of a host's stack as <see cref="CachingRunner"/> drives it (docs/caching.md, "Add a
/// host"). <typeparamref name="TState"/> is what flows between blocks (a tensor, or several streams);
/// the cached stream within it is what <see cref="HostBlocks{TState}.HiddenOf"/> returns. A host
/// creates its adapters per transformer call, so they may hold that call's conditioning.
/// </summary>
/// <typeparam name="TState">The hidden state between blocks.</typeparam>
public interface ICacheableBlock<TState>
{
    /// <summary>Runs the block fully, handing each gated branch's output to <paramref name="branches"/>.</summary>
    TState Forward(TState state, IBranchOutputs branches);

    /// <summary>
    /// A module-level forecast step: adds each branch's gated forecast to <paramref name="hidden"/> (the
    /// cached stream, updated in place) through <paramref name="forecasts"/>, computing the gates only.
    /// </summary>
    void AddForecasts(Tensor hidden, IGatedForecasts forecasts);
}
