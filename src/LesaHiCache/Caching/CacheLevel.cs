namespace LesaHiCache.Caching;

/// <summary>Granularity of what is cached (docs/algorithms.md, section 2).</summary>
public enum CacheLevel
{
    /// <summary>Each block's gated branch outputs before their gates (e.g. attention and MLP of the image stream).</summary>
    Module,

    /// <summary>The hidden state after the last block: no block runs on a forecast step.</summary>
    Model,

    /// <summary>The residual block(x) - x of every block.</summary>
    Block,
}
