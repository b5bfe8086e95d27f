using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Caching;

/// <summary>
/// The blocks a schedule runs on every step and never caches: the first Fn of a leading-residual
/// signal and the last Bn of DBCache. The runner and the memory plan both leave them out.
/// </summary>
internal static class EveryStepBlocks
{
    /// <summary>The leading blocks <paramref name="signal"/> runs before the decision (0 for other signals).</summary>
    public static int Leading(StepSignal signal) => signal.Source == SignalSource.LeadingResidual ? signal.LeadingBlocks : 0;

    /// <summary>Why a stack of <paramref name="blocks"/> blocks has none left to cache, or null when it has one.</summary>
    public static string? NoneLeftToCache(int leading, int trailing, int blocks)
    {
        if (blocks == 0 || (leading == 0 && trailing == 0) || leading + trailing < blocks)
        {
            return null;
        }

        var runs = trailing > 0 ? $"the first {leading} and the last {trailing}" : $"the first {leading}";
        return $"The schedule runs {runs} block(s) on every step, but this model has {blocks}: leave at least one block to cache.";
    }
}
