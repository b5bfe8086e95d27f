// Caching a model the library does not know: a small DiT with adaLN-Zero blocks (random weights:
// this shows the mechanics, the statistics and the fidelity to its own uncached run, not image
// quality). Its blocks expose their gated branches (CachedDiTBlock), so every level works.
// Timings are single runs on a possibly busy machine; use evaluate or the benchmarks for figures.
//
//   dotnet run --project samples/DiTBlockCaching -c Release -- --level module|model|block --schedule SPEC --forecaster SPEC --steps N
using System.Diagnostics;
using System.Globalization;
using DiTBlockCaching;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Evaluation;
using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

var settings = new Dictionary<string, string>(StringComparer.Ordinal) { ["--level"] = "module", ["--schedule"] = "interval:7:3", ["--forecaster"] = "hicache", ["--steps"] = "50" };
for (var i = 0; i < args.Length; i++)
{
    if (args[i] is "-h" or "--help")
    {
        Console.WriteLine("Options: --level module|model|block (default module), --schedule SPEC (default interval:7:3), --forecaster SPEC (default hicache), --steps N (default 50).");
        Console.WriteLine($"Schedules:{Environment.NewLine}{CacheMethods.ScheduleHelp()}Forecasters:{Environment.NewLine}{CacheMethods.ForecasterHelp()}");
        return 0;
    }

    if (!settings.ContainsKey(args[i]) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"Unknown option or missing value: '{args[i]}'. Options: {string.Join(", ", settings.Keys)} (--help lists schedules and forecasters).");
        return 2;
    }

    settings[args[i]] = args[++i];
}

CacheConfig config;
int steps;
try
{
    if (!CacheMethods.TryParseLevel(settings["--level"], out var level))
    {
        throw new FormatException($"--level is module, model or block, got '{settings["--level"]}'.");
    }

    var method = MethodSpec.Parse(settings["--forecaster"], level);
    if (method.Forecaster is null)
    {
        throw new FormatException($"--forecaster '{method.Text}' makes no forecaster here: use fora, taylorseer or hicache.");
    }

    steps = int.TryParse(settings["--steps"], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1
        ? parsed
        : throw new FormatException($"--steps must be a positive integer, got '{settings["--steps"]}'.");
    config = new CacheConfig { Level = method.Level, Forecaster = method.Forecaster, Schedule = ScheduleSpec.Parse(settings["--schedule"]).Schedule };
    using var check = new CacheSession(config); // refuses an unsupported combination before any work
}
catch (Exception e) when (e is FormatException or ArgumentException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

manual_seed(0);
using var dit = new TinyDiT(channels: 16, tokens: 256, dim: 384, heads: 6, depth: 12, conditioningDim: 64, ModuleBuild.Cpu);
dit.eval();
using var pooled = randn(2, 64, generator: new Generator(1, CPU));
using var tokens = zeros(2, 1, 64);
var text = new TextConditioning(tokens, pooled);
var options = new SamplerOptions { Steps = steps };

Tensor Generate(CacheSession? session, out double seconds)
{
    dit.Cache = session;
    using var noise = SeededNoise.Draw([7, 8], [256, 16], CPU);
    var clock = Stopwatch.StartNew();
    var result = FlowMatchEulerSampler.Sample(dit, text, noise, options);
    seconds = clock.Elapsed.TotalSeconds;
    dit.Cache = null;
    return result;
}

// The first generation pays one-time costs (allocator, kernels): time the second.
using (Generate(null, out _))
{
}

using var reference = Generate(null, out var referenceSeconds);
using var session = new CacheSession(config);
using var cached = Generate(session, out var cachedSeconds);
var statistics = session.Statistics;
using var referenceRange = reference.max() - reference.min();
var psnr = ImageMetrics.PsnrDb(cached, reference, referenceRange.item<float>());
var relativeL1 = ImageMetrics.RelativeL1(cached, reference);
var c = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(c, $"DiT-S-sized model (12 adaLN-Zero blocks, width 384, 256 tokens, batch 2), {steps} steps."));
Console.WriteLine(string.Create(c, $"Uncached: {referenceSeconds:F1} s. Cached ({config.Level.ToString().ToLowerInvariant()} level, {config.Schedule.Name}, {settings["--forecaster"]}): {cachedSeconds:F1} s (single run, wall {referenceSeconds / cachedSeconds:F2}x)."));
Console.WriteLine(string.Create(c, $"Full steps {statistics.FullSteps.Count} [{string.Join(",", statistics.FullSteps)}], forecast steps {statistics.ForecastSteps.Count}, NFE speedup {statistics.NfeSpeedup:F2}x, {statistics.Items} cached items, peak cache {statistics.PeakCacheBytesPerItem / 1e6:F2} MB per image."));
Console.WriteLine(string.Create(c, $"Against its own uncached run: PSNR {string.Join(" / ", psnr.Select(p => p.ToString("F2", c)))} dB (peak-to-peak range of the uncached output), rel L1 {string.Join(" / ", relativeL1.Select(r => r.ToString("F4", c)))} (per image)."));
return 0;
