using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// What a host caches at one level for one generation: <see cref="Items"/> items of
/// <see cref="ItemShape"/> each (over every CFG branch), and with blocks after the cached ones
/// (DBCache's Bn) <see cref="ContextItems"/> text-stream residuals of <see cref="ContextItemShape"/>,
/// so that a forecaster's peak memory can be told before a generation, from the same per-item sizes
/// its state allocates.
/// </summary>
/// <param name="Level">The cache level.</param>
/// <param name="Items">Cached items of the cached stream (image or video tokens) in a generation.</param>
/// <param name="ItemShape">Each item's shape, e.g. [rows, image tokens, width].</param>
/// <param name="ContextItems">Cached residuals of the context (text) stream: one per cached block when blocks run after them, else 0.</param>
/// <param name="ContextItemShape">Each context item's shape, [rows, text tokens, width]; empty without context items.</param>
public sealed record CacheMemoryPlan(CacheLevel Level, int Items, IReadOnlyList<long> ItemShape, int ContextItems, IReadOnlyList<long> ContextItemShape)
{
    /// <summary>A plan without context items.</summary>
    public CacheMemoryPlan(CacheLevel level, int items, IReadOnlyList<long> itemShape)
        : this(level, items, itemShape, 0, [])
    {
    }

    /// <summary>Values per item.</summary>
    public long ItemElements => Elements(ItemShape);

    /// <summary>Values per context item.</summary>
    public long ContextItemElements => ContextItems == 0 ? 0 : Elements(ContextItemShape);

    /// <summary>The most bytes <paramref name="forecaster"/> holds over the generation for features of <paramref name="featureType"/>.</summary>
    public long PeakBytes(IFeatureForecaster forecaster, ScalarType featureType)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        var context = ContextItems == 0 ? 0 : ContextItems * forecaster.StateBytesPerItem(ContextItemElements, featureType);
        return Items * forecaster.StateBytesPerItem(ItemElements, featureType) + context;
    }

    /// <summary>
    /// The plan of a host whose blocks each cache <paramref name="slotsPerBlock"/> branches at module
    /// level: module, every slot of every block; model, the stack's output; block, one residual per
    /// block. <paramref name="rows"/> counts every row of every call of a step (images x 2 with CFG).
    /// </summary>
    public static CacheMemoryPlan For(CacheLevel level, IReadOnlyList<int> slotsPerBlock, long rows, long tokens, long width) =>
        For(level, slotsPerBlock, rows, tokens, width, schedule: null, contextTokens: 0);

    /// <summary>
    /// The plan under <paramref name="schedule"/>: blocks that run on every step are not cached (the
    /// first Fn of a leading-residual signal at module and block level, DBCache's last Bn at block level),
    /// and with trailing blocks each cached block's context residual of <paramref name="contextTokens"/>
    /// tokens per row (the text stream's, which the trailing blocks run on) is cached too.
    /// </summary>
    /// <exception cref="ArgumentException">Trailing blocks without a positive <paramref name="contextTokens"/> or at a level other than block, or leading and trailing blocks that leave none to cache.</exception>
    public static CacheMemoryPlan For(CacheLevel level, IReadOnlyList<int> slotsPerBlock, long rows, long tokens, long width, ICacheSchedule? schedule, long contextTokens)
    {
        ArgumentNullException.ThrowIfNull(slotsPerBlock);
        ArgumentOutOfRangeException.ThrowIfNegative(contextTokens);
        var leading = schedule is null ? 0 : EveryStepBlocks.Leading(schedule.Signal);
        var trailing = schedule?.TrailingBlocks ?? 0;
        if (schedule is not null)
        {
            CacheMethods.EnsureSupported(level, schedule);
        }

        if (trailing > 0 && contextTokens == 0)
        {
            throw new ArgumentException($"Schedule {schedule!.Name} runs blocks after the cached ones, which cache the text stream's residuals too: give the text tokens per row.", nameof(contextTokens));
        }

        if (EveryStepBlocks.NoneLeftToCache(leading, trailing, slotsPerBlock.Count) is { } noneLeft)
        {
            throw new ArgumentException(noneLeft, nameof(schedule));
        }

        var items = level switch
        {
            CacheLevel.Module => slotsPerBlock.Skip(leading).Sum(),
            CacheLevel.Model => 1,
            CacheLevel.Block => slotsPerBlock.Count - leading - trailing,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown cache level."),
        };
        return trailing > 0
            ? new CacheMemoryPlan(level, items, [rows, tokens, width], items, [rows, contextTokens, width])
            : new CacheMemoryPlan(level, items, [rows, tokens, width]);
    }

    private static long Elements(IReadOnlyList<long> shape) => shape.Aggregate(1L, (product, d) => product * d);
}
