using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Lesa;

namespace LesaHiCache.Shapes.Evaluation;

/// <summary>
/// A forecaster named on the command line: <c>none</c>, <c>fora</c>, <c>taylorseer[:order=O]</c>,
/// <c>hicache[:order=O][:sigma=S]</c>, each optionally with <c>:level=module|model</c> and
/// <c>:distance=steps|time</c>, <c>:scheme=ladder|interpolating</c> (ladder, the reference, by
/// default); and <c>lesa[:path=FILE][:cfg=shared|per-half]</c> (model level; without a path, the
/// predictor for the schedule and CFG variant is looked up in the model's <c>lesa/</c> folder).
/// </summary>
public sealed record MethodSpec(string Text, string Kind, CacheLevel Level, Func<IFeatureForecaster>? Forecaster, string? PredictorPath = null, LesaCfgExperts? CfgExperts = null)
{
    /// <summary>The uncached reference.</summary>
    public bool IsReference => Forecaster is null && !IsLesa;

    /// <summary>A learned LESA predictor (its forecaster depends on the schedule, see <see cref="Evaluator"/>).</summary>
    public bool IsLesa => Kind == "lesa";

    /// <summary>Parses one method; throws <see cref="FormatException"/> naming the problem.</summary>
    public static MethodSpec Parse(string text, CacheLevel defaultLevel = CacheLevel.Module)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var parts = text.Trim().Split(':');
        var kind = parts[0].ToLowerInvariant();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts.Skip(1))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                throw new FormatException($"Method '{text}': expected key=value after ':', got '{part}'.");
            }

            options[pair[0]] = pair[1];
        }

        if (kind == "lesa")
        {
            options.TryGetValue("path", out var path);
            options.Remove("path");
            LesaCfgExperts? cfgExperts = options.Remove("cfg", out var cfg)
                ? cfg.ToLowerInvariant() switch
                {
                    "shared" => LesaCfgExperts.Shared,
                    "per-half" => LesaCfgExperts.PerHalf,
                    _ => throw new FormatException($"Method '{text}': cfg is shared or per-half."),
                }
                : null;
            if (options.Remove("level", out var lesaLevel) && ParseLevel(lesaLevel, text) != CacheLevel.Model)
            {
                throw new FormatException($"Method '{text}': LESA forecasts at model level only.");
            }

            if (options.Count > 0)
            {
                throw new FormatException($"Method '{text}': unknown option(s) {string.Join(", ", options.Keys)}; lesa takes path=FILE and cfg=shared|per-half.");
            }

            return new MethodSpec(text.Trim(), kind, CacheLevel.Model, null, path, cfgExperts);
        }

        var level = options.Remove("level", out var l) ? ParseLevel(l, text) : defaultLevel;
        var forecasterOptions = ForecasterOptions.Default;
        if (options.Remove("distance", out var distance))
        {
            forecasterOptions = forecasterOptions with { Distance = distance switch { "steps" => DistanceUnit.Steps, "time" => DistanceUnit.SamplerTime, _ => throw new FormatException($"Method '{text}': distance is steps or time.") } };
        }

        if (options.Remove("scheme", out var scheme))
        {
            forecasterOptions = forecasterOptions with { Scheme = scheme switch { "ladder" => DerivativeScheme.ReferenceLadder, "interpolating" => DerivativeScheme.Interpolating, _ => throw new FormatException($"Method '{text}': scheme is ladder or interpolating.") } };
        }

        Func<IFeatureForecaster>? forecaster = kind switch
        {
            "none" => null,
            "fora" => () => new Fora(forecasterOptions),
            "taylorseer" => Capture(Int(options, "order", 1, text), order => (Func<IFeatureForecaster>)(() => new TaylorSeer(order, forecasterOptions))),
            "hicache" => Capture((Int(options, "order", 2, text), Double(options, "sigma", 0.5, text)), p => (Func<IFeatureForecaster>)(() => new HiCache(p.Item1, p.Item2, forecasterOptions))),
            _ => throw new FormatException($"Unknown method '{kind}' in '{text}'. Methods: none, fora, taylorseer[:order=O], hicache[:order=O][:sigma=S], lesa[:path=FILE][:cfg=shared|per-half]."),
        };

        if (options.Count > 0)
        {
            throw new FormatException($"Method '{text}': unknown option(s) {string.Join(", ", options.Keys)}.");
        }

        return new MethodSpec(text.Trim(), kind, level, forecaster);
    }

    /// <summary>Parses a comma-separated list.</summary>
    public static IReadOnlyList<MethodSpec> ParseList(string list, CacheLevel defaultLevel = CacheLevel.Module)
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => Parse(m, defaultLevel)).ToList();
    }

    private static T Capture<TValue, T>(TValue value, Func<TValue, T> make) => make(value);

    private static CacheLevel ParseLevel(string value, string text) => value.ToLowerInvariant() switch
    {
        "module" => CacheLevel.Module,
        "model" => CacheLevel.Model,
        _ => throw new FormatException($"Method '{text}': level is module or model."),
    };

    private static int Int(Dictionary<string, string> options, string key, int fallback, string text)
    {
        if (!options.Remove(key, out var value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0
            ? parsed
            : throw new FormatException($"Method '{text}': {key} must be a non-negative integer, got '{value}'.");
    }

    private static double Double(Dictionary<string, string> options, string key, double fallback, string text)
    {
        if (!options.Remove(key, out var value))
        {
            return fallback;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new FormatException($"Method '{text}': {key} must be a positive number, got '{value}'.");
    }
}
