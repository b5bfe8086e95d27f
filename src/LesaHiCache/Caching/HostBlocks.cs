using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// A host's block stack for one transformer call, as <see cref="CachingRunner"/> takes it.
/// </summary>
/// <typeparam name="TState">The hidden state between blocks.</typeparam>
/// <param name="Blocks">The blocks in order.</param>
/// <param name="Input">The cached stream's input to the first block (e.g. the embedded image tokens); called only when a block or a forecast needs it.</param>
/// <param name="Begin">The first block's whole input state from <see cref="Input"/>'s tensor (adding what only full computation needs, e.g. the text stream).</param>
/// <param name="HiddenOf">The cached stream of a state.</param>
/// <param name="RunnerOwnsInput">Whether <see cref="Input"/> returns a fresh tensor the runner may update in place (it copies it otherwise).</param>
/// <param name="Context">
/// The other stream the blocks update (e.g. the text tokens of dual-stream blocks), for blocks that run
/// after forecast ones (DBCache with Bn &gt; 0). Null: a state is its cached stream alone, made by <see cref="Begin"/>.
/// </param>
public sealed record HostBlocks<TState>(
    IReadOnlyList<ICacheableBlock<TState>> Blocks,
    Func<Tensor> Input,
    Func<Tensor, TState> Begin,
    Func<TState, Tensor> HiddenOf,
    bool RunnerOwnsInput = true,
    HostContext<TState>? Context = null);
