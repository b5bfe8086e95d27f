using System.Diagnostics;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching;
using LesaHiCache.Evaluation;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Evaluation;

/// <summary>
/// Runs the uncached reference and every method x schedule on the same prompts and noise seeds,
/// interleaved batch by batch so machine noise hits all of them alike, and compares each with the
/// reference (PSNR, SSIM, relative L1 of the output, prompt fidelity) and in wall time. For clips,
/// PSNR and SSIM are computed per frame and averaged over the clip's frames.
/// </summary>
public sealed class Evaluator(IShapesTaskModel model, EvaluationOptions options)
{
    /// <summary>Runs (methods x schedules) in order.</summary>
    public static IReadOnlyList<(MethodSpec Method, ScheduleSpec Schedule)> Runs(IReadOnlyList<MethodSpec> methods, IReadOnlyList<ScheduleSpec> schedules)
    {
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(schedules);
        return methods.Where(m => !m.IsReference).SelectMany(m => schedules.Select(s => (m, s))).ToList();
    }

    /// <summary>
    /// Evaluates; <paramref name="progress"/> gets the fraction done, <paramref name="onBatch"/> every
    /// generated batch. Cancelling stops after the current generation and reports the complete batches.
    /// </summary>
    public EvaluationReport Run(IReadOnlyList<MethodSpec> methods, IReadOnlyList<ScheduleSpec> schedules, Action<double, string>? progress = null, Action<GeneratedBatch>? onBatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var runs = Runs(methods, schedules);
        var scenes = model.TakeExcept(options.PromptSeed, options.Prompts, options.ExcludedPrompts);
        var batches = Enumerable.Range(0, options.Batches).ToList();
        var repeats = options.ResolvedRepeats;
        var totalGenerations = repeats * batches.Count * (runs.Count + 1);
        var done = 0;
        // Seconds per (repeat, batch); a batch counts once every run of it has finished.
        var referenceSeconds = new double[repeats, batches.Count];
        var runSeconds = new double[runs.Count, repeats, batches.Count];
        var completeInRepeat = new int[repeats];
        var accumulators = runs.Select(_ => new RunAccumulator()).ToList();
        var referenceFidelity = new List<double>();
        var completeBatches = 0;
        var guidance = options.GuidanceScale ?? model.DefaultGuidanceScale;
        var generation = new ShapesGenerationOptions { Steps = options.Steps, GuidanceScale = guidance };
        using var predictors = new LesaPredictors(model, options, generation);
        var configs = runs.Select(run => predictors.ConfigFor(run.Method, run.Schedule)).ToList();

        try
        {
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                foreach (var b in batches)
                {
                    var chunk = scenes.Skip(b * options.Batch).Take(options.Batch).ToList();
                    var prompts = chunk;
                    var seeds = chunk.Select((_, i) => options.NoiseSeed + b * options.Batch + i).ToList();
                    var first = repeat == 0;

                    var (reference, seconds, _) = Generate(prompts, seeds, generation, null, cancellation);
                    using var referenceImages = reference;
                    referenceSeconds[repeat, b] = seconds;
                    Report(ref done, totalGenerations, progress, "reference");
                    var referenceRgb = Rgb(referenceImages);
                    if (first)
                    {
                        referenceFidelity.AddRange(chunk.Zip(referenceRgb, (prompt, frames) => model.Score(frames, prompt).Score));
                        onBatch?.Invoke(Batch(-1, b * options.Batch, referenceRgb));
                    }

                    for (var r = 0; r < runs.Count; r++)
                    {
                        var (method, schedule) = runs[r];
                        using var session = new CacheSession(configs[r]);
                        var (images, runTime, forecastMs) = Generate(prompts, seeds, generation, session, cancellation);
                        using var cached = images;
                        runSeconds[r, repeat, b] = runTime;
                        Report(ref done, totalGenerations, progress, $"{method.Text} {schedule.Text}");
                        if (first)
                        {
                            var rgb = Rgb(cached);
                            accumulators[r].Add(model, cached, referenceImages, chunk, rgb, session.Statistics, forecastMs);
                            onBatch?.Invoke(Batch(r, b * options.Batch, rgb));
                        }
                    }

                    completeInRepeat[repeat]++;
                    if (first)
                    {
                        completeBatches++;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Report what is complete: the first repeat's finished batches.
        }

        var complete = done == totalGenerations;
        var imagesDone = Math.Min(options.Prompts, completeBatches * options.Batch);
        var repeatsDone = completeInRepeat.Count(c => c == batches.Count);
        var timedRepeats = repeatsDone > 0 ? Enumerable.Range(0, repeatsDone).ToList() : [0];
        double PerImage(Func<int, double> secondsOfBatch, int repeat)
        {
            var counted = completeInRepeat[repeat];
            var images = Math.Min(options.Prompts, counted * options.Batch);
            return images == 0 ? double.NaN : Enumerable.Range(0, counted).Sum(secondsOfBatch) / images;
        }

        var referencePerImage = Median(timedRepeats.Select(i => PerImage(b => referenceSeconds[i, b], i)));
        var results = runs.Select((run, r) =>
        {
            var perImage = Median(timedRepeats.Select(i => PerImage(b => runSeconds[r, i, b], i)));
            // Paired: each batch's run against the reference generated just before it on the same
            // prompts, so a slow spell of the machine weighs on both sides of a ratio.
            var pairs = timedRepeats.SelectMany(i => Enumerable.Range(0, completeInRepeat[i]).Select(b => referenceSeconds[i, b] / runSeconds[r, i, b])).ToList();
            return accumulators[r].Result(run.Method, run.Schedule, options.Steps, pairs, perImage);
        }).ToList();
        return new EvaluationReport(
            options.Steps, imagesDone, options.PromptSeed, options.NoiseSeed, options.Batch, Math.Max(1, repeatsDone), guidance,
            model.Device.ToString(), get_num_threads(), complete,
            new ReferenceResult(referencePerImage, referenceFidelity.Count == 0 ? double.NaN : referenceFidelity.Take(imagesDone).Average()),
            results)
        {
            ExcludedPrompts = options.ExcludedPrompts.Count,
        };
    }

    private (Tensor Images, double Seconds, double ForecastMs) Generate(IReadOnlyList<string> prompts, List<long> seeds, ShapesGenerationOptions generation, CacheSession? session, CancellationToken cancellation)
    {
        var stepMs = new double[options.Steps];
        var clock = Stopwatch.StartNew();
        var last = 0.0;
        var images = model.Generate(prompts, seeds, generation, step =>
        {
            var now = clock.Elapsed.TotalMilliseconds;
            stepMs[step.Index] = now - last;
            last = now;
        }, session, cancellation: cancellation);
        var seconds = clock.Elapsed.TotalSeconds;
        var forecastSteps = session?.Statistics.ForecastSteps ?? [];
        var forecastMs = forecastSteps.Count == 0 ? 0 : forecastSteps.Average(s => stepMs[s]);
        return (images, seconds, forecastMs);
    }

    private List<IReadOnlyList<byte[]>> Rgb(Tensor items) => Enumerable.Range(0, (int)items.shape[0]).Select(i =>
    {
        using var item = items[i];
        return model.ToRgbFrames(item);
    }).ToList();

    private GeneratedBatch Batch(int run, int firstPrompt, List<IReadOnlyList<byte[]>> items) =>
        new(run, firstPrompt, [.. items.Select(frames => RgbImage.Strip(frames, model.FrameSize))], model.FrameSize * model.Frames, model.FrameSize);

    private static void Report(ref int done, int total, Action<double, string>? progress, string what)
    {
        done++;
        progress?.Invoke((double)done / total, what);
    }

    private static double Median(IEnumerable<double> values) => PairedSpeedup.Quantile(values.Order().ToArray(), 0.5);

    /// <summary>Per-image quality and cache figures of one run, over the batches of the first repeat.</summary>
    private sealed class RunAccumulator
    {
        private readonly List<double> psnr = [];
        private readonly List<double> ssim = [];
        private readonly List<double> relativeL1 = [];
        private readonly List<double> fidelity = [];
        private readonly List<double> fullSteps = [];
        private readonly List<double> cacheBytes = [];
        private readonly List<double> forecastMs = [];
        private readonly List<double> indicatorValues = [];

        public void Add(IShapesTaskModel model, Tensor images, Tensor reference, IReadOnlyList<string> prompts, IReadOnlyList<IReadOnlyList<byte[]>> rgb, CacheStatistics statistics, double forecastMsPerStep)
        {
            using var scope = NewDisposeScope();
            var shown = ShapesModel.ToDisplay(ShapesTaskModels.AsFrames(images));
            var referenceShown = ShapesModel.ToDisplay(ShapesTaskModels.AsFrames(reference));
            psnr.AddRange(PerItem(ImageMetrics.PsnrDb(shown, referenceShown), model.Frames));
            ssim.AddRange(PerItem(ImageMetrics.Ssim(shown, referenceShown), model.Frames));
            relativeL1.AddRange(ImageMetrics.RelativeL1(images, reference));
            fidelity.AddRange(prompts.Zip(rgb, (prompt, frames) => model.Score(frames, prompt).Score));
            fullSteps.Add(statistics.FullSteps.Count);
            cacheBytes.Add(statistics.PeakCacheBytes);
            indicatorValues.AddRange(statistics.IndicatorValues.Select(v => v.Value));
            if (statistics.ForecastSteps.Count > 0)
            {
                forecastMs.Add(forecastMsPerStep);
            }
        }

        /// <summary>Per-frame values (item-major) averaged per item; an identical frame's infinite PSNR makes its clip's infinite.</summary>
        private static IEnumerable<double> PerItem(double[] perFrame, int frames) => perFrame.Chunk(frames).Select(c => c.Average());

        public MethodResult Result(MethodSpec method, ScheduleSpec schedule, int steps, IReadOnlyList<double> pairRatios, double secondsPerImage)
        {
            double Mean(List<double> values) => values.Count == 0 ? double.NaN : values.Average();
            var full = Mean(fullSteps);
            var speedup = new PairedSpeedup(pairRatios, steps / full);
            return new MethodResult(
                method.Text, schedule.Text, method.Level.ToString().ToLowerInvariant(), full, steps / full, speedup.Median, secondsPerImage,
                Mean(psnr), Mean(ssim), Mean(relativeL1), Mean(fidelity), cacheBytes.Count == 0 ? double.NaN : cacheBytes.Max() / (1024.0 * 1024.0), Mean(forecastMs))
            {
                Pairs = speedup.Pairs,
                WallSpeedupP10 = speedup.P10,
                WallSpeedupP90 = speedup.P90,
                Disturbed = speedup.Disturbed,
                DisturbedBecause = speedup.DisturbedBecause,
                Indicator = indicatorValues.Count == 0 ? null : IndicatorPercentiles.Of(indicatorValues),
            };
        }
    }
}
