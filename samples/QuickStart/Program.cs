// Generates images with the bundled model (no download), writes PNGs and a grid, and prints the
// prompt fidelity of each image.
//
//   dotnet run --project samples/QuickStart -c Release -- [--prompt "..."]... [--seed N] [--steps N] [--out DIR]
using System.Diagnostics;
using System.Globalization;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

var prompts = Options("--prompt").ToList();
if (prompts.Count == 0)
{
    prompts =
    [
        "a large red circle at the center on a white background",
        "a small blue square at the top left and a large yellow triangle at the bottom right on a black background",
        "a large green triangle at the top on a gray background",
        "a small orange circle at the left and a small purple square at the right on a white background",
    ];
}

var seed = long.Parse(Options("--seed").LastOrDefault() ?? "0", CultureInfo.InvariantCulture);
var steps = int.Parse(Options("--steps").LastOrDefault() ?? "50", CultureInfo.InvariantCulture);
var output = Options("--out").LastOrDefault() ?? "quickstart-output";
var device = cuda.is_available() ? CUDA : CPU;

try
{
    var scenes = prompts.Select(ScenePrompt.Parse).ToList();
    using var model = ShapesModel.Load(ShapesModel.BundledFolder, device);
    Console.WriteLine($"Bundled model: {model.Transformer.ParameterCount:N0}-parameter FLUX-architecture transformer on {device}; {steps} steps per image.");

    var clock = Stopwatch.StartNew();
    var seeds = prompts.Select((_, i) => seed + i).ToList();
    using var images = model.Generate(prompts, seeds, new ShapesGenerationOptions { Steps = steps });
    var seconds = clock.Elapsed.TotalSeconds;

    Directory.CreateDirectory(output);
    var rgb = new List<byte[]>();
    for (var i = 0; i < prompts.Count; i++)
    {
        var pixels = ShapesModel.ToRgb(images[i]);
        rgb.Add(pixels);
        var path = Path.Combine(output, $"image-{i:D2}-seed{seeds[i]}.png");
        RgbImage.SavePng(pixels, SceneLayout.ImageSize, SceneLayout.ImageSize, path, scale: 8);
        var report = FidelityScorer.Score(pixels, scenes[i]);
        Console.WriteLine($"  fidelity {report.Score:F2}  {path}  \"{prompts[i]}\"");
    }

    var grid = Path.Combine(output, "grid.png");
    RgbImage.SaveGrid(rgb, SceneLayout.ImageSize, columns: Math.Min(prompts.Count, 4), grid, scale: 4);
    Console.WriteLine($"Wrote {prompts.Count} images and {grid} in {seconds:F1} s ({seconds / prompts.Count:F2} s per image, batched).");
    return 0;
}
catch (Exception e) when (e is PromptException or DirectoryNotFoundException or FileNotFoundException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
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
