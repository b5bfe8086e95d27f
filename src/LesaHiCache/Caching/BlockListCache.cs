using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// The simplest host adapter: a list of residual blocks of any TorchSharp model, each a function of
/// the hidden state. Routing the block loop through <see cref="Run{TBlock}"/> gives the model
/// block-level caching (each block's residual block(x) - x is an item) and model-level caching, with
/// every schedule, adaptive ones included. Module level needs blocks that expose their gated branches:
/// implement <see cref="ICacheableBlock{TState}"/> and call <see cref="CachingRunner"/> instead.
/// </summary>
public static class BlockListCache
{
    /// <summary>
    /// x_{i+1} = apply(block_i, x_i) on full steps; on forecast steps x_{i+1} = x_i + forecast r_i
    /// (block level) or the forecast output (model level), and no block runs. A null
    /// <paramref name="forward"/> runs every block.
    /// </summary>
    /// <exception cref="NotSupportedException">The session caches at module level.</exception>
    public static Tensor Run<TBlock>(IEnumerable<TBlock> blocks, Tensor x, Func<TBlock, Tensor, Tensor> apply, CacheForward? forward)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(apply);
        if (forward is { Level: CacheLevel.Module })
        {
            throw new NotSupportedException("Module-level caching needs blocks that expose their gated branches (ICacheableBlock with CachingRunner); BlockListCache caches at Block or Model level.");
        }

        return CachingRunner.Run(blocks.Select(b => (ICacheableBlock<Tensor>)new FunctionBlock<TBlock>(b, apply)).ToList(), x, forward);
    }

    private sealed class FunctionBlock<TBlock>(TBlock block, Func<TBlock, Tensor, Tensor> apply) : ICacheableBlock<Tensor>
    {
        public Tensor Forward(Tensor state, IBranchOutputs branches) => apply(block, state);

        public void AddForecasts(Tensor hidden, IGatedForecasts forecasts) =>
            throw new NotSupportedException("A plain block exposes no gated branches.");
    }
}
