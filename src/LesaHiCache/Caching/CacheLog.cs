using Microsoft.Extensions.Logging;

namespace LesaHiCache.Caching;

/// <summary>The cache's log messages.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "step {Step}: {Decision} ({Forecaster}, {Schedule})")]
    public static partial void Decision(ILogger logger, int step, string decision, string forecaster, string schedule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "step {Step}: the first block's residual change is not finite (NaN or infinite features in the batch); computing the step fully")]
    public static partial void NonFiniteChange(ILogger logger, int step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Found}: the model computed NaN or infinite features; the cache drops its state and computes the rest of the generation fully")]
    public static partial void NonFiniteFeatures(ILogger logger, NonFiniteFeatures found);
}
