using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Layers;
using LesaHiCache.Lesa;
using static TorchSharp.torch;

namespace LesaHiCache.Cli;

/// <summary>
/// <c>inspect --height --width</c>: the cache memory of one generation per level and forecaster, from
/// the host's <see cref="CacheMemoryPlan"/> and each forecaster's per-item state (float32 state, the
/// forecasters' default).
/// </summary>
internal static class CacheMemoryTable
{
    public static void Write(TextWriter output, Func<CacheLevel, long, long, CacheMemoryPlan> plan, long rows, long tokens, string setting)
    {
        var c = CultureInfo.InvariantCulture;
        using var lesaPredictor = MetaLesaPredictor();
        var forecasters = new (string Name, IFeatureForecaster Forecaster)[]
        {
            ("FORA", new Fora()),
            ("TaylorSeer 1", new TaylorSeer(1)),
            ("TaylorSeer 2", new TaylorSeer(2)),
            ("HiCache 2", new HiCache(2, 0.5)),
            ($"LESA (K={lesaPredictor.Info.Config.MaxHistory})", new LesaForecaster(lesaPredictor)),
        };
        try
        {
            output.WriteLine(string.Create(c, $"cache memory of one generation ({setting}; {rows} rows x {tokens:N0} tokens; state in float32):"));
            output.WriteLine(string.Create(c, $"  {"level",-8}{"items",7}{string.Concat(forecasters.Select(f => $"{f.Name,15}"))}"));
            foreach (var level in new[] { CacheLevel.Module, CacheLevel.Model, CacheLevel.Block })
            {
                var levelPlan = plan(level, rows, tokens);
                var cells = forecasters.Select(f => $"{Size(levelPlan.PeakBytes(f.Forecaster, ScalarType.Float32)),15}");
                output.WriteLine(string.Create(c, $"  {level.ToString().ToLowerInvariant(),-8}{levelPlan.Items,7}{string.Concat(cells)}"));
            }

            output.WriteLine("  (LESA forecasts at model level only; its other rows show what its history would hold. ForecasterOptions.StateDType = BFloat16 halves every figure.)");
        }
        finally
        {
            foreach (var (_, forecaster) in forecasters)
            {
                forecaster.Dispose();
            }
        }
    }

    private static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB");

    /// <summary>A LESA predictor of the default configuration on the meta device: its history length is what the plan needs.</summary>
    private static LesaPredictor MetaLesaPredictor() => new(
        new LesaPredictorInfo { ModelFingerprint = "plan", Steps = 1, Times = [1.0, 0.0], Schedule = "plan", Config = new LesaConfig() },
        ModuleBuild.Meta);
}
