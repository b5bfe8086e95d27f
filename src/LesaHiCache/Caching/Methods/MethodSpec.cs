using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Lesa;

namespace LesaHiCache.Caching.Methods;

/// <summary>
/// A forecaster named in text, as the CLI and the benchmarks take it: <c>name[:key=value]...</c> with
/// the options <see cref="CacheMethods.Forecasters"/> lists for the name, plus <c>level=</c> (see
/// <see cref="CacheMethods.ForecasterHelp"/>).
/// </summary>
/// <param name="Text">The text it was parsed from.</param>
/// <param name="Entry">The registry entry.</param>
/// <param name="Level">The level it caches at.</param>
/// <param name="Arguments">Its checked options.</param>
public sealed record MethodSpec(string Text, ForecasterEntry Entry, CacheLevel Level, MethodArguments Arguments)
{
    /// <summary>The entry's name (<c>hicache</c>).</summary>
    public string Kind => Entry.Name;

    /// <summary>The factory of its forecasters; null for the reference and for LESA (whose predictor the host chooses).</summary>
    public Func<IFeatureForecaster>? Forecaster { get; } = Entry.Create?.Invoke(Arguments);

    /// <summary>The uncached reference.</summary>
    public bool IsReference => Entry.Name == "none";

    /// <summary>A learned LESA predictor (its forecaster depends on the schedule).</summary>
    public bool IsLesa => Entry.ForecasterType == typeof(LesaForecaster);

    /// <summary>LESA's <c>path=</c>: the predictor file, or null to look one up.</summary>
    public string? PredictorPath => Arguments.Optional("path");

    /// <summary>LESA's <c>cfg=</c>, or null for any.</summary>
    public LesaCfgExperts? CfgExperts => Arguments.Optional("cfg")?.ToLowerInvariant() switch
    {
        "shared" => LesaCfgExperts.Shared,
        "per-half" => LesaCfgExperts.PerHalf,
        _ => null,
    };

    /// <summary>Parses one method; throws <see cref="FormatException"/> naming the problem.</summary>
    public static MethodSpec Parse(string text, CacheLevel defaultLevel = CacheLevel.Module)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var trimmed = text.Trim();
        var owner = $"Method '{trimmed}'";
        var parts = trimmed.Split(':');
        var entry = CacheMethods.FindForecaster(parts[0])
            ?? throw new FormatException($"Unknown method '{parts[0]}' in '{trimmed}'. Methods: {string.Join(", ", CacheMethods.Forecasters.Select(e => e.Syntax))}.");
        var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts.Skip(1))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                throw new FormatException($"{owner}: expected key=value after ':', got '{part}'.");
            }

            given[pair[0].Trim()] = pair[1].Trim();
        }

        var level = entry.Levels.Count == 1 ? entry.Levels[0] : defaultLevel;
        if (given.Remove("level", out var levelText))
        {
            level = CacheMethods.TryParseLevel(levelText, out var parsed)
                ? parsed
                : throw new FormatException($"{owner}: level is module, model or block, got '{levelText}'.");
        }

        if (!entry.Levels.Contains(level))
        {
            throw new FormatException($"{owner}: {entry.Name} forecasts at {entry.LevelList} level only.");
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in entry.Options)
        {
            if (given.Remove(option.Name, out var value))
            {
                values[option.Name] = option.Check(owner, value);
            }
            else if (option.Default is { Length: > 0 } fallback)
            {
                values[option.Name] = fallback;
            }
        }

        if (given.Count > 0)
        {
            var takes = entry.Options.Count == 0 ? "no options besides level" : string.Join(", ", entry.Options.Select(o => o.Syntax()));
            throw new FormatException($"{owner}: unknown option(s) {string.Join(", ", given.Keys)}; {entry.Name} takes {takes}.");
        }

        return new MethodSpec(trimmed, entry, level, new MethodArguments(values));
    }

    /// <summary>Parses a comma-separated list.</summary>
    public static IReadOnlyList<MethodSpec> ParseList(string list, CacheLevel defaultLevel = CacheLevel.Module)
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => Parse(m, defaultLevel)).ToList();
    }
}
