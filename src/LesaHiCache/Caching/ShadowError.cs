namespace LesaHiCache.Caching;

/// <summary>A forecast compared with the real output (shadow mode).</summary>
/// <param name="Step">The forecast step.</param>
/// <param name="Item">The cached item.</param>
/// <param name="RelativeL1">mean|forecast - real| / mean|real|.</param>
public sealed record ShadowError(int Step, CacheItemKey Item, double RelativeL1);
