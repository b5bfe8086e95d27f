// The generic block-level adapter on a model the library does not know: a small DiT with
// adaLN-Zero blocks (random weights: this shows the mechanics and the cost, not image quality).
// Timings are single runs on a possibly busy machine; use evaluate or the benchmarks for figures.
//
//   dotnet run --project samples/DiTBlockCaching -c Release
using System.Diagnostics;
using DiTBlockCaching;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

manual_seed(0);
using var dit = new TinyDiT(channels: 16, tokens: 256, dim: 384, heads: 6, depth: 12, conditioningDim: 64, ModuleBuild.Cpu);
dit.eval();
var text = new TextConditioning(zeros(2, 1, 64), randn(2, 64, generator: new Generator(1, CPU)));
var options = new SamplerOptions { Steps = 50 };

Tensor Generate(CacheConfig? config, out CacheStatistics? statistics, out double seconds)
{
    using var session = config is null ? null : new CacheSession(config);
    dit.Cache = session;
    using var noise = SeededNoise.Draw([7, 8], [256, 16], CPU);
    var clock = Stopwatch.StartNew();
    var result = FlowMatchEulerSampler.Sample(dit, text, noise, options);
    seconds = clock.Elapsed.TotalSeconds;
    statistics = session?.Statistics;
    dit.Cache = null;
    return result;
}

// The first generation pays one-time costs (allocator, kernels): time the second.
using (Generate(null, out _, out _))
{
}

using var reference = Generate(null, out _, out var referenceSeconds);
Console.WriteLine($"DiT-S-sized model (12 adaLN-Zero blocks, width 384, 256 tokens, batch 2), 50 steps uncached: {referenceSeconds:F1} s");
foreach (var (name, forecaster) in new (string, Func<IFeatureForecaster>)[] { ("FORA", () => new Fora()), ("TaylorSeer(2)", () => new TaylorSeer(2)), ("HiCache(2, 0.5)", () => new HiCache(2, 0.5)) })
{
    var config = new CacheConfig { Level = CacheLevel.Block, Forecaster = forecaster, Schedule = new FixedIntervalSchedule(7, warmup: 3) };
    using var cached = Generate(config, out var statistics, out var seconds);
    using var error = (cached - reference).abs().mean() / reference.abs().mean();
    Console.WriteLine($"  {name,-16} {statistics!.FullSteps.Count} full steps (NFE {statistics.NfeSpeedup:F2}x): {seconds:F1} s (wall {referenceSeconds / seconds:F2}x, single run), rel L1 vs uncached {error.item<float>():F4}, cache {statistics.PeakCacheBytesPerItem / 1e6:F1} MB per image");
}
