using Microsoft.Extensions.Logging;

namespace LesaHiCache.Caching;

/// <summary>The cache's log messages.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "step {Step}: {Decision} ({Forecaster}, {Schedule})")]
    public static partial void Decision(ILogger logger, int step, string decision, string forecaster, string schedule);
}
