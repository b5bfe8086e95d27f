// Generates clips with the bundled video model (no download), first uncached and then with two
// caches at the 5x LESA schedule (TaylorSeer order 2, and LESA with the predictor shipped beside the
// model); writes each clip as a PNG strip (frames left to right) and prints its prompt fidelity and
// its PSNR against the uncached clip.
//
//   dotnet run --project samples/VideoQuickStart -c Release -- [--prompt "..."]... [--seed N] [--out DIR]
using System.Diagnostics;
using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Evaluation;
using LesaHiCache.Lesa;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using LesaHiCache.Shapes.Video;
using static TorchSharp.torch;

var prompts = Options("--prompt").ToList();
if (prompts.Count == 0)
{
    prompts =
    [
        "a large red circle moving from the top left to the bottom right on a white background",
        "a small blue square moving from the top left to the top right and a large yellow triangle still at the bottom on a black background",
        "a large green triangle moving from the bottom to the top on a gray background",
        "a small orange circle still at the center on a white background",
    ];
}

var seed = long.Parse(Options("--seed").LastOrDefault() ?? "0", CultureInfo.InvariantCulture);
var output = Options("--out").LastOrDefault() ?? "video-quickstart-output";
var device = cuda.is_available() ? CUDA : CPU;
var schedule = SchedulePresets.Lesa5x;

try
{
    var clips = prompts.Select(ClipPrompt.Parse).ToList();
    using var model = ShapesVideoModel.Load(ShapesVideoModel.BundledFolder, device);
    var generation = new ShapesGenerationOptions();
    Console.WriteLine($"Bundled video model: {model.Transformer.ParameterCount:N0}-parameter HunyuanVideo-architecture transformer on {device}; "
        + $"{ClipLayout.Frames} frames of {ClipLayout.FrameSize}x{ClipLayout.FrameSize} per clip, {generation.Steps} steps.");

    // The predictor shipped for this model, these sampler times and this schedule (it fails clearly if none fits).
    var times = new FlowMatchSchedule(generation.Steps, generation.Shift, model.SequenceTokens).Times;
    var predictorPath = LesaPredictor.FindIn(ShapesVideoModel.BundledLesaFolder, ModelFingerprint.Of(model.Transformer), times, schedule);
    using var predictor = LesaPredictor.Load(predictorPath, device);
    var runs = new (string Name, CacheConfig? Cache)[]
    {
        ("uncached", null),
        ("taylorseer-2", new CacheConfig { Forecaster = () => new TaylorSeer(2), Schedule = schedule }),
        ("lesa", predictor.CacheConfig(schedule)),
    };

    Directory.CreateDirectory(output);
    var seeds = prompts.Select((_, i) => seed + i).ToList();
    Tensor? reference = null;
    foreach (var (name, cache) in runs)
    {
        using var session = cache is null ? null : new CacheSession(cache);
        var clock = Stopwatch.StartNew();
        var generated = model.Generate(prompts, seeds, generation, cache: session);
        var seconds = clock.Elapsed.TotalSeconds;
        var psnr = reference is null ? null : DisplayedPsnr(generated, reference);
        Console.WriteLine($"{name}: {seconds:F1} s for {prompts.Count} clips"
            + (session is null ? "" : $", {session.Statistics.NfeSpeedup:F2}x fewer transformer runs"));
        for (var i = 0; i < prompts.Count; i++)
        {
            var frames = ShapesVideoModel.ToRgbFrames(generated[i]);
            var path = Path.Combine(output, $"{name}-{i:D2}-seed{seeds[i]}.png");
            RgbImage.SavePng(RgbImage.Strip(frames, ClipLayout.FrameSize), ClipLayout.FrameSize * frames.Count, ClipLayout.FrameSize, path, scale: 4);
            var score = ClipScorer.Score(frames, clips[i]).Score;
            var match = psnr is null ? "" : $"  PSNR vs uncached {psnr.Skip(i * frames.Count).Take(frames.Count).Average():F1} dB";
            Console.WriteLine($"  fidelity {score:F2}{match}  {path}  \"{prompts[i]}\"");
        }

        if (reference is null)
        {
            reference = generated;
        }
        else
        {
            generated.Dispose();
        }
    }

    reference?.Dispose();
    return 0;
}
catch (Exception e) when (e is PromptException or DirectoryNotFoundException or FileNotFoundException or LesaPredictorMismatchException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

// PSNR per frame of the clips as displayed and saved (8-bit [0, 1] pixels), as evaluate reports it.
static IReadOnlyList<double> DisplayedPsnr(Tensor clips, Tensor reference)
{
    using var scope = NewDisposeScope();
    return ImageMetrics.PsnrDb(ShapesModel.ToDisplay(ShapesTaskModels.AsFrames(clips)), ShapesModel.ToDisplay(ShapesTaskModels.AsFrames(reference)));
}

IEnumerable<string> Options(string name)
{
    for (var i = 0; i + 1 < args.Length; i++)
    {
        if (args[i] == name)
        {
            yield return args[i + 1];
        }
    }
}
