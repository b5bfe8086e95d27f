using LesaHiCache.Caching.Forecasting;
using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// What a host caches at one level for one generation: <see cref="Items"/> items of
/// <see cref="ItemShape"/> each (over every CFG branch), so that a forecaster's peak memory can be
/// told before a generation, from the same per-item sizes its state allocates.
/// </summary>
/// <param name="Level">The cache level.</param>
/// <param name="Items">Cached items of a generation.</param>
/// <param name="ItemShape">Each item's shape, e.g. [rows, image tokens, width].</param>
public sealed record CacheMemoryPlan(CacheLevel Level, int Items, IReadOnlyList<long> ItemShape)
{
    /// <summary>Values per item.</summary>
    public long ItemElements => ItemShape.Aggregate(1L, (product, d) => product * d);

    /// <summary>The most bytes <paramref name="forecaster"/> holds over the generation for features of <paramref name="featureType"/>.</summary>
    public long PeakBytes(IFeatureForecaster forecaster, ScalarType featureType)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        return Items * forecaster.StateBytesPerItem(ItemElements, featureType);
    }

    /// <summary>
    /// The plan of a host whose blocks each cache <paramref name="slotsPerBlock"/> branches at module
    /// level: module, every slot of every block; model, the stack's output; block, one residual per
    /// block. <paramref name="rows"/> counts every row of every call of a step (images x 2 with CFG).
    /// </summary>
    public static CacheMemoryPlan For(CacheLevel level, IReadOnlyList<int> slotsPerBlock, long rows, long tokens, long width)
    {
        ArgumentNullException.ThrowIfNull(slotsPerBlock);
        var items = level switch
        {
            CacheLevel.Module => slotsPerBlock.Sum(),
            CacheLevel.Model => 1,
            CacheLevel.Block => slotsPerBlock.Count,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown cache level."),
        };
        return new CacheMemoryPlan(level, items, [rows, tokens, width]);
    }
}
