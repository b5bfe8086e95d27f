using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Lesa;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using TorchSharp;

namespace LesaHiCache.Cli;

/// <summary>
/// <c>soak</c>: many cached generations of the bundled model across forecasters, levels and schedules
/// (LESA included), with cancellations and exceptions injected at random steps into long-lived
/// sessions; then checks that the live tensor count is flat, the resident memory bounded, and that
/// every case still gives the bits it gave with a fresh session at the start.
/// </summary>
internal static class SoakCommand
{
    private const long RssBound = 200_000_000;
    private const string CheckedPrompt = "a large red circle at the center on a white background";

    public static Command Create()
    {
        var generations = new Option<int>("--generations") { Description = "Cached generations.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the cases, prompts and injected faults.", DefaultValueFactory = _ => 1 };
        var faults = new Option<double>("--faults") { Description = "Share of generations with a fault injected (half cancellations, half exceptions).", DefaultValueFactory = _ => 0.2 };
        var command = new Command("soak", "Run many cached generations with injected faults; check live tensors, memory and determinism (exit 1 on a failure).")
        {
            generations, seed, faults,
        };
        command.SetAction(parse =>
        {
            var count = parse.GetValue(generations);
            var share = parse.GetValue(faults);
            if (count < 1 || !(share >= 0 && share <= 1))
            {
                throw new UsageException("--generations must be at least 1 and --faults in [0, 1].");
            }

            return Run(count, parse.GetValue(seed), share);
        });
        return command;
    }

    private sealed class InjectedFault() : Exception("fault injected by soak");

    private static int Run(int generations, int seed, double faultShare)
    {
        var c = CultureInfo.InvariantCulture;
        using var model = ShapesModel.Load(ShapesModel.BundledFolder);
        var options = new ShapesGenerationOptions();
        var times = new FlowMatchSchedule(options.Steps, options.Shift, ShapesModel.TokensPerSide * ShapesModel.TokensPerSide).Times;
        var lesaSchedule = ScheduleSpec.Parse("lesa-5x").Schedule;
        using var predictor = LesaPredictor.Load(LesaPredictor.FindIn(ShapesModel.BundledLesaFolder, ModelFingerprint.Of(model.Transformer), times, lesaSchedule, LesaCfgExperts.PerHalf));
        var cases = new List<(string Name, CacheConfig Config)>();
        foreach (var method in new[] { "fora", "taylorseer:order=2", "hicache" })
        {
            foreach (var level in new[] { "module", "model", "block" })
            {
                foreach (var schedule in new[] { "taylorseer-5x", "adaptive:0.2" })
                {
                    var spec = MethodSpec.Parse($"{method}:level={level}");
                    cases.Add(($"{method} {level} {schedule}", new CacheConfig { Level = spec.Level, Forecaster = spec.Forecaster!, Schedule = ScheduleSpec.Parse(schedule).Schedule }));
                }
            }
        }

        cases.Add(("lesa per-half model lesa-5x", new CacheConfig { Level = LesaForecaster.Level, Forecaster = () => new LesaForecaster(predictor), Schedule = lesaSchedule }));
        var sessions = cases.Select(k => new CacheSession(k.Config)).ToList();
        var prompts = new PromptGrammar(seed);
        try
        {
            // The loop runs on this thread: the live tensor count is per thread.
            // What each case gives with a fresh session, to compare with the long-lived sessions at the end.
            var references = cases.Select((k, i) =>
            {
                using var fresh = new CacheSession(k.Config);
                return model.Generate([CheckedPrompt], [i], options, cache: fresh).DetachFromDisposeScope();
            }).ToList();
            // One generation per long-lived session and a few prompts first: one-time state (caches of
            // the text encoder and libtorch) is not what the soak measures.
            for (var i = 0; i < cases.Count; i++)
            {
                using var warm = model.Generate([prompts.Next().Text], [i], options, cache: sessions[i]);
            }

            Settle();
            var liveStart = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var rssStart = Process.GetCurrentProcess().WorkingSet64;
            var random = new Random(seed);
            var (cancelled, thrown, completed) = (0, 0, 0);
            var clock = Stopwatch.StartNew();
            {
                for (var g = 0; g < generations; g++)
                {
                    var index = random.Next(cases.Count);
                    var fault = random.NextDouble() < faultShare ? random.Next(2) : -1;
                    var faultStep = random.Next(options.Steps - 5);
                    using var cancel = new CancellationTokenSource();
                    try
                    {
                        using var images = model.Generate([prompts.Next().Text], [random.Next()], options, step =>
                        {
                            if (fault >= 0 && step.Index == faultStep)
                            {
                                if (fault == 0)
                                {
                                    cancel.Cancel();
                                }
                                else
                                {
                                    throw new InjectedFault();
                                }
                            }
                        }, sessions[index], cancellation: cancel.Token);
                        completed++;
                    }
                    catch (OperationCanceledException) when (fault == 0)
                    {
                        cancelled++;
                    }
                    catch (InjectedFault) when (fault == 1)
                    {
                        thrown++;
                    }

                    if ((g + 1) % 100 == 0 || g + 1 == generations)
                    {
                        Console.Error.WriteLine(string.Create(c, $"soak: {g + 1}/{generations} generations, {clock.Elapsed.TotalMinutes:F1} min"));
                    }
                }
            }

            var mismatches = 0;
            for (var i = 0; i < cases.Count; i++)
            {
                using var again = model.Generate([CheckedPrompt], [i], options, cache: sessions[i]);
                using var equal = again.eq(references[i]);
                using var all = equal.all();
                if (!all.item<bool>())
                {
                    mismatches++;
                    Console.Error.WriteLine($"mismatch: {cases[i].Name}");
                }
            }

            Settle();
            var liveEnd = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var rssEnd = Process.GetCurrentProcess().WorkingSet64;
            references.ForEach(r => r.Dispose());
            Console.WriteLine(string.Create(c, $"{generations} cached generations over {cases.Count} cases in {clock.Elapsed.TotalMinutes:F1} min: {completed} completed, {cancelled} cancelled and {thrown} failed by injected faults."));
            Console.WriteLine(string.Create(c, $"Live tensors {liveStart} -> {liveEnd}; resident memory {rssStart / 1e6:F0} -> {rssEnd / 1e6:F0} MB; mismatches with a fresh session: {mismatches} of {cases.Count}."));
            var ok = liveEnd == liveStart && mismatches == 0 && rssEnd - rssStart < RssBound && cancelled + thrown + completed == generations;
            Console.WriteLine(ok ? "soak passed" : "soak FAILED");
            return ok ? 0 : 1;
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
