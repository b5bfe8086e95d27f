using LesaHiCache.Caching.Forecasting;

namespace LesaHiCache.Caching.Methods;

/// <summary>A forecaster as <see cref="CacheMethods"/> lists it: name, options, the levels it works at and its factory.</summary>
/// <param name="Name">The name it is parsed by (<c>hicache</c>).</param>
/// <param name="Help">One line for the help text.</param>
/// <param name="Options">Its <c>name=value</c> options (<c>level=</c> is common to all and not listed).</param>
/// <param name="Levels">The levels it forecasts at; the first is its default when it has only one.</param>
/// <param name="ForecasterType">The type it creates (null: none, or one the host builds, like LESA's); <see cref="CacheSession"/> finds the entry of a forecaster by it.</param>
/// <param name="Create">The factory of its forecasters from checked options; null for the uncached reference and for forecasters the host builds.</param>
/// <param name="NeedsPlannedSchedule">Whether it needs the full steps ahead (a learned predictor trained for them), so adaptive schedules are refused.</param>
public sealed record ForecasterEntry(
    string Name,
    string Help,
    IReadOnlyList<MethodOption> Options,
    IReadOnlyList<CacheLevel> Levels,
    Type? ForecasterType,
    Func<MethodArguments, Func<IFeatureForecaster>>? Create,
    bool NeedsPlannedSchedule = false)
{
    /// <summary>How it is written, e.g. <c>hicache[:order=O][:sigma=SIGMA]</c>.</summary>
    public string Syntax => Name + string.Concat(Options.Select(o => $"[:{o.Syntax()}]"));

    /// <summary>Its levels as text ("module, model or block").</summary>
    public string LevelList => string.Join(" or ", Levels.Select(l => l.ToString().ToLowerInvariant()));
}
