using System.Globalization;
using System.Text;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Indicators;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa;

namespace LesaHiCache.Caching.Methods;

/// <summary>
/// The one registry of forecasters and schedules: their names, options with defaults and ranges, the
/// levels each forecaster works at, factories and help text. The parsers (<see cref="MethodSpec"/>,
/// <see cref="ScheduleSpec"/>), the CLI, the benchmarks and the samples read it, and
/// <see cref="CacheSession"/> refuses what it marks unsupported.
/// </summary>
public static class CacheMethods
{
    private static readonly CacheLevel[] AllLevels = [CacheLevel.Module, CacheLevel.Model, CacheLevel.Block];

    private static readonly MethodOption Distance = new("distance", OptionKind.Choice, "steps", "distance between steps: step indices (reference) or (1 - t) S", Choices: ["steps", "time"]);

    private static readonly MethodOption Scheme = new("scheme", OptionKind.Choice, "ladder", "derivative estimates: the reference difference ladder or the interpolating polynomial", Choices: ["ladder", "interpolating"]);

    /// <summary>The forecasters, <c>none</c> (the uncached reference) first.</summary>
    public static IReadOnlyList<ForecasterEntry> Forecasters { get; } =
    [
        new("none", "the uncached reference: every step full", [], AllLevels, null, null),
        new("fora", "FORA: reuse the last full step's features", [Distance, Scheme], AllLevels, typeof(Fora), a => Bind(0, Polynomial(a), (_, options) => new Fora(options))),
        new(
            "taylorseer",
            "TaylorSeer: Taylor expansion from the difference ladder",
            [new("order", OptionKind.Integer, "1", "highest derivative kept", Min: 0, Max: PolynomialForecaster.MaxOrder), Distance, Scheme],
            AllLevels,
            typeof(TaylorSeer),
            a => Bind(a.Integer("order"), Polynomial(a), (order, options) => new TaylorSeer(order, options))),
        new(
            "hicache",
            "HiCache: scaled Hermite expansion from the difference ladder",
            [new("order", OptionKind.Integer, "2", "highest derivative kept", Min: 0, Max: PolynomialForecaster.MaxOrder), new("sigma", OptionKind.Number, "0.5", "Hermite scale", Min: 0, Max: HiCache.MaxSigma, ExclusiveMin: true), Distance, Scheme],
            AllLevels,
            typeof(HiCache),
            a => Bind((a.Integer("order"), a.Number("sigma")), Polynomial(a), (p, options) => new HiCache(p.Item1, p.Item2, options))),
        new(
            "lesa",
            "LESA: learned stage experts (a predictor trained for the model, the sampler times and the schedule)",
            [new("path", OptionKind.Path, null, "predictor file (default: the host looks one up for the schedule)"), new("cfg", OptionKind.Choice, null, "CFG experts: one set, or one per CFG half", Choices: ["shared", "per-half"])],
            [LesaForecaster.Level],
            typeof(LesaForecaster),
            null,
            NeedsPlannedSchedule: true),
    ];

    /// <summary>The schedules: the papers' presets, then the parameterised ones.</summary>
    public static IReadOnlyList<ScheduleEntry> Schedules { get; } =
    [
        .. SchedulePresets.ByName.Select(p => Preset(p.Key, p.Value)),
        new(
            "counter",
            "the reference counter rule: W warm-up steps, then every N-th step from step W - 1, plus forced steps F",
            [Int("N", null, 1, "interval"), Int("W", "3", 1, "warm-up steps"), new("F", OptionKind.IntegerList, "", "forced full steps", Min: 0)],
            a => new CounterSchedule(a.Integer("N"), a.Integer("W"), a.Optional("F") is { Length: > 0 } ? a.Integers("F") : null)),
        new(
            "interval",
            "W warm-up steps, then full at s = W + m N, and the last T steps full",
            [Int("N", null, 1, "interval"), Int("W", "3", 0, "warm-up steps"), Int("T", "0", 0, "trailing full steps")],
            a => new FixedIntervalSchedule(a.Integer("N"), a.Integer("W"), a.Integer("T"))),
        new("budget", "B full steps: 3 warm-up steps, the rest spread evenly", [Int("B", null, 1, "full steps")], a => new BudgetSchedule(a.Integer("B"))),
        new(
            "adaptive",
            "first-block residual change accumulated up to a threshold, at most MAX forecasts in a row (the first block runs every step)",
            [new("threshold", OptionKind.Number, null, "accumulated relative change that forces a full step", Min: 0, ExclusiveMin: true), Int("max", "6", 0, "most forecast steps in a row"), Int("W", "3", 0, "warm-up steps")],
            a => new AdaptiveSchedule(a.Number("threshold"), a.Integer("max"), a.Integer("W"))),
        new(
            "fbcache",
            "First-Block Cache (diffusers): the first block runs every step; a step is forecast while its residual's relative change since the last full step is at most T",
            [new("T", OptionKind.Number, FirstBlockCacheSchedule.DefaultThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture), "largest relative change that forecasts", Min: 0)],
            a => new FirstBlockCacheSchedule(a.Number("T"))),
        new(
            "dbcache",
            "DBCache (cache-dit): the first Fn blocks run every step; a step is forecast while their residual's relative change since the last full step is below T, after W warm-up steps, at most MAX forecast steps in all and C in a row (-1: no cap)",
            [
                Int("Fn", "8", 1, "blocks computed every step"),
                Int("Bn", "0", 0, "blocks computed every step after the cached ones (needs --level block)"),
                new("T", OptionKind.Number, DbCacheSchedule.DefaultThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture), "relative change below which a step is forecast", Min: 0),
                Int("W", "8", 0, "warm-up steps"),
                Int("max", "-1", -1, "most forecast steps"),
                Int("C", "-1", -1, "most forecast steps in a row"),
            ],
            a => new DbCacheSchedule(a.Integer("Fn"), a.Integer("Bn"), a.Number("T"), a.Integer("W"), a.Integer("max"), a.Integer("C"))),
        new(
            "teacache",
            "TeaCache: the first block's modulated input is compared with the previous step's; the change, rescaled by the model's calibrated polynomial, is accumulated and a step is forecast while the sum is below T (the first and last step are full)",
            [new("T", OptionKind.Number, null, "accumulated rescaled change at which a step is computed", Min: 0), new("path", OptionKind.Path, "", "calibration file (default: the model folder's calibration/teacache.json)")],
            a => a.Optional("path") is { Length: > 0 } path
                ? TeaCacheSchedule.Uncalibrated(a.Number("T")).WithCalibration(IndicatorCalibrationFile.Load(path), path)
                : TeaCacheSchedule.Uncalibrated(a.Number("T"))),
        new(
            "magcache",
            "MagCache: past the first R x S steps, each step's calibrated magnitude ratio updates the running ratio and |1 - ratio| is accumulated; a step is forecast while the sum is at most T and at most K steps in a row",
            [
                new("T", OptionKind.Number, MagCacheSchedule.DefaultThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture), "largest accumulated error that forecasts", Min: 0),
                Int("K", "5", 0, "most forecast steps in a row"),
                new("R", OptionKind.Number, MagCacheSchedule.DefaultRetention.ToString(System.Globalization.CultureInfo.InvariantCulture), "share of the steps, from the start, always full", Min: 0, Max: 1),
                new("path", OptionKind.Path, "", "calibration file (default: the model folder's calibration/magcache.json)"),
            ],
            a => a.Optional("path") is { Length: > 0 } path
                ? MagCacheSchedule.Uncalibrated(a.Number("T"), a.Integer("K"), a.Number("R")).WithCalibration(IndicatorCalibrationFile.Load(path), path)
                : MagCacheSchedule.Uncalibrated(a.Number("T"), a.Integer("K"), a.Number("R"))),
        new(
            "stages",
            "one interval per noise stage (t > 0.9, 0.5 < t <= 0.9, t <= 0.5)",
            [Int("N0", null, 1, "interval of stage 0"), Int("N1", null, 1, "interval of stage 1"), Int("N2", null, 1, "interval of stage 2")],
            a => new StageAwareSchedule([a.Integer("N0"), a.Integer("N1"), a.Integer("N2")])),
        new("mask", "exactly the given full steps (step 0 among them)", [new("steps", OptionKind.IntegerList, null, "full steps", Min: 0)], a => new StepMaskSchedule(a.Integers("steps"))),
        new("file", "a searched schedule file (search-schedule), valid for the model and sampler it was searched on", [new("path", OptionKind.Path, null, "schedule file (.json)")], a => ScheduleFile.Load(a.Optional("path")!)),
    ];

    /// <summary>The level named <paramref name="name"/> (module, model or block, any case); numbers are not names.</summary>
    public static bool TryParseLevel(string? name, out CacheLevel level)
    {
        foreach (var candidate in AllLevels)
        {
            if (string.Equals(candidate.ToString(), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }

        level = default;
        return false;
    }

    /// <summary>The entry named <paramref name="name"/> (any case), or null.</summary>
    public static ForecasterEntry? FindForecaster(string name) => Forecasters.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The entry named <paramref name="name"/> (any case), or null.</summary>
    public static ScheduleEntry? FindSchedule(string name) => Schedules.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The entry of <paramref name="forecaster"/>'s type, or null for forecasters the registry does not list.</summary>
    public static ForecasterEntry? EntryOf(IFeatureForecaster forecaster)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        return Forecasters.FirstOrDefault(e => e.ForecasterType == forecaster.GetType());
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the combination when <paramref name="schedule"/>
    /// does not work at <paramref name="level"/> (blocks after the cached ones need block level).
    /// </summary>
    public static void EnsureSupported(CacheLevel level, ICacheSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentException($"Unknown cache level {level}.", nameof(level));
        }

        if (schedule.TrailingBlocks > 0 && level != CacheLevel.Block)
        {
            throw new ArgumentException($"Unsupported combination: {schedule.Name} at {level.ToString().ToLowerInvariant()} level (its last {schedule.TrailingBlocks} block(s) run on every step on the forecast residuals of the blocks before them, which only block level caches; use block level).");
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the combination when <paramref name="forecaster"/>
    /// does not work at <paramref name="level"/> or with <paramref name="schedule"/>.
    /// </summary>
    public static void EnsureSupported(CacheLevel level, IFeatureForecaster forecaster, ICacheSchedule schedule)
    {
        EnsureSupported(level, schedule);
        if (EntryOf(forecaster) is not { } entry)
        {
            return;
        }

        if (!entry.Levels.Contains(level))
        {
            throw new ArgumentException($"Unsupported combination: {entry.Name} at {level.ToString().ToLowerInvariant()} level ({entry.Name} forecasts at {entry.LevelList} level only).");
        }

        if (entry.NeedsPlannedSchedule && schedule is not PlannedSchedule)
        {
            throw new ArgumentException($"Unsupported combination: {entry.Name} with the schedule {schedule.Name} ({entry.Name} needs a schedule whose full steps are known ahead, the ones its predictor was trained for).");
        }
    }

    /// <summary>Help text: one line per forecaster with its syntax, levels and options.</summary>
    public static string ForecasterHelp()
    {
        var text = new StringBuilder();
        foreach (var entry in Forecasters)
        {
            text.AppendLine($"{entry.Syntax}[:level={string.Join("|", entry.Levels.Select(l => l.ToString().ToLowerInvariant()))}]: {entry.Help}");
            foreach (var option in entry.Options)
            {
                text.AppendLine($"    {option.Name}: {option.Help}; {option.Accepts}{(option.Default is { Length: > 0 } d ? $" (default {d})" : "")}");
            }
        }

        return text.ToString();
    }

    /// <summary>Help text: one line per schedule with its syntax and parameters.</summary>
    public static string ScheduleHelp()
    {
        var text = new StringBuilder();
        foreach (var entry in Schedules)
        {
            text.AppendLine($"{entry.Syntax}: {entry.Help}");
            foreach (var parameter in entry.Parameters)
            {
                text.AppendLine($"    {parameter.Name}: {parameter.Help}; {parameter.Accepts}{(parameter.Default is { Length: > 0 } d ? $" (default {d})" : "")}");
            }
        }

        return text.ToString();
    }

    /// <summary>A paper's pattern, its help text derived from the schedule: the full steps of a 50-step generation.</summary>
    private static ScheduleEntry Preset(string name, PlannedSchedule schedule)
    {
        const int Steps = 50;
        var full = schedule.FullSteps([.. Enumerable.Range(0, Steps + 1).Select(s => 1 - (s / (double)Steps))]).Order().ToList();
        var help = string.Create(CultureInfo.InvariantCulture, $"the papers' {schedule.Name}: full steps {string.Join(",", full)} of {Steps} ({(double)Steps / full.Count:F2}x)");
        return new(name, help, [], _ => schedule);
    }

    private static MethodOption Int(string name, string? fallback, int min, string help) => new(name, OptionKind.Integer, fallback, help, Min: min);

    private static ForecasterOptions Polynomial(MethodArguments arguments) => ForecasterOptions.Default with
    {
        Distance = arguments.Choice("distance") == "time" ? DistanceUnit.SamplerTime : DistanceUnit.Steps,
        Scheme = arguments.Choice("scheme") == "interpolating" ? DerivativeScheme.Interpolating : DerivativeScheme.ReferenceLadder,
    };

    /// <summary>A factory that captures checked values (not the arguments object).</summary>
    private static Func<IFeatureForecaster> Bind<T>(T values, ForecasterOptions options, Func<T, ForecasterOptions, IFeatureForecaster> create) => () => create(values, options);
}
