using System.Diagnostics;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

set_num_threads(Environment.ProcessorCount);
using var model = ShapesModel.Load(ShapesModel.BundledFolder);
var prompts = new PromptGrammar(seed: 4242).Take(8).Select(p => p.Text).ToList();
TextConditioning text, nullText;
using (no_grad())
{
    text = model.Encode(prompts);
    nullText = model.Encode([""]);
}

var both = TextConditioning.Concat(nullText.ExpandTo(8), text);
using var noise = SeededNoise.Draw(Enumerable.Range(0, 8).Select(i => 9000L + i).ToList(), [ShapesModel.TokensPerSide * ShapesModel.TokensPerSide, ShapesModel.Channels * ShapesModel.Patch * ShapesModel.Patch], CPU);
using var latents = cat([noise, noise]);
const int Steps = 300;
var times = new FlowMatchSchedule(Steps, TimestepShift.FluxDynamic, 64).Times;
var level = args.Length > 0 && args[0] == "model" ? CacheLevel.Model : CacheLevel.Module;
foreach (var (name, make) in new (string, Func<IFeatureForecaster>)[] { ("warm-up", () => new Fora()), ("fora", () => new Fora()), ("taylorseer2", () => new TaylorSeer(2)), ("hicache", () => new HiCache(2, 0.5)) })
{
    using var session = new CacheSession(new CacheConfig { Level = level, Forecaster = make, Schedule = new StepMaskSchedule([0, 1, 2]) });
    using var flow = new LesaHiCache.Models.Flux.FluxFlowModel(model.Transformer, ShapesModel.TokensPerSide, ShapesModel.TokensPerSide, cache: session);
    using var _ = no_grad();
    flow.BeginGeneration(times, 8, CfgLayout.BatchedHalves);
    var ms = new List<double>();
    var gc0 = GC.CollectionCount(0);
    var gc2 = GC.CollectionCount(2);
    for (var s = 0; s < Steps; s++)
    {
        flow.BeginStep(s);
        var clock = Stopwatch.StartNew();
        using var v = flow.Velocity(latents, times[s], both);
        if (s >= 13)
        {
            ms.Add(clock.Elapsed.TotalMilliseconds);
        }
    }

    flow.EndGeneration();
    var mean = ms.Average();
    var gcs = GC.CollectionCount(0) - gc0;
    var gcs2 = GC.CollectionCount(2) - gc2;
    ms.Sort();
    Console.WriteLine($"{level} {name,-12} forecast step median {ms[ms.Count / 2]:F3} ms  p10 {ms[ms.Count / 10]:F3}  p90 {ms[ms.Count * 9 / 10]:F3} mean {mean:F3} gen0 {gcs} gen2 {gcs2}");
}
