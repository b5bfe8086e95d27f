using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// The stream of a host's state that is not cached but that blocks update (the text tokens of
/// dual-stream blocks): block level forecasts its residuals too when blocks run after forecast ones.
/// </summary>
/// <typeparam name="TState">The hidden state between blocks.</typeparam>
/// <param name="Of">The stream of a state.</param>
/// <param name="Join">A state from the cached stream and this one, fit for any block of the stack.</param>
public sealed record HostContext<TState>(Func<TState, Tensor> Of, Func<Tensor, Tensor, TState> Join);
