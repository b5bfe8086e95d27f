using System.Globalization;
using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// The generic block-level adapter: runs a list of residual blocks of any TorchSharp model and
/// caches each block's residual block(x) - x as item <c>block{i}</c>, so a model the library does
/// not know gets caching by routing its block loop through <see cref="Run{TBlock}"/>.
/// </summary>
public static class BlockListCache
{
    /// <summary>
    /// x_{i+1} = x_i + r_i with r_i = apply(block_i, x_i) - x_i on full steps and the forecast r_i on
    /// forecast steps (where no block runs).
    /// </summary>
    public static Tensor Run<TBlock>(IEnumerable<TBlock> blocks, Tensor x, Func<TBlock, Tensor, Tensor> apply, IFeatureCacheStep cache)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(cache);
        using var scope = NewDisposeScope();
        var hidden = x;
        var i = 0;
        foreach (var block in blocks)
        {
            var input = hidden;
            var residual = cache.Item(string.Create(CultureInfo.InvariantCulture, $"block{i}"), () => apply(block, input) - input);
            hidden = input + residual;
            i++;
        }

        return hidden.MoveToOuterDisposeScope();
    }
}
