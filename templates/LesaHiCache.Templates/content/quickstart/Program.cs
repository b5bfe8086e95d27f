// Generates images with the bundled shapes model twice, uncached and with feature caching (HiCache,
// 10 of 50 steps computed fully), writes both as PNGs, and prints each image's prompt fidelity, the
// PSNR of the cached image against the uncached one, and the cache's statistics.
using System.Diagnostics;
using LesaHiCache.Caching;
using LesaHiCache.Evaluation;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

string[] prompts =
[
    "a large red circle at the center on a white background",
    "a small blue square at the top left and a large yellow triangle at the bottom right on a black background",
    "a large green triangle at the top on a gray background",
    "a small orange circle at the left and a small purple square at the right on a white background",
];
long[] seeds = [0, 1, 2, 3];
const string Output = "images";

using var model = ShapesModel.Load(ShapesModel.BundledFolder, cuda.is_available() ? CUDA : CPU);
var clock = Stopwatch.StartNew();
using var uncached = model.Generate(prompts, seeds);
var uncachedSeconds = clock.Elapsed.TotalSeconds;

using var session = new CacheSession(CacheConfig.Default);
clock.Restart();
using var cached = model.Generate(prompts, seeds, cache: session);
var cachedSeconds = clock.Elapsed.TotalSeconds;

Directory.CreateDirectory(Output);
for (var i = 0; i < prompts.Length; i++)
{
    var reference = ShapesModel.ToRgb(uncached[i]);
    var image = ShapesModel.ToRgb(cached[i]);
    RgbImage.SavePng(reference, SceneLayout.ImageSize, SceneLayout.ImageSize, Path.Combine(Output, $"{i}-uncached.png"), scale: 8);
    RgbImage.SavePng(image, SceneLayout.ImageSize, SceneLayout.ImageSize, Path.Combine(Output, $"{i}-cached.png"), scale: 8);
    using var a = tensor(image).reshape(1, -1).to_type(ScalarType.Float32);
    using var b = tensor(reference).reshape(1, -1).to_type(ScalarType.Float32);
    var scene = ScenePrompt.Parse(prompts[i]);
    Console.WriteLine($"{i}: fidelity {FidelityScorer.Score(reference, scene).Score:F2} uncached, {FidelityScorer.Score(image, scene).Score:F2} cached, PSNR {ImageMetrics.PsnrDb(a, b, peak: 255)[0]:F1} dB  \"{prompts[i]}\"");
}

Console.WriteLine($"Uncached {uncachedSeconds:F1} s, cached {cachedSeconds:F1} s (single run; the first generation also warms up). Cache: {session.Statistics}");
Console.WriteLine($"Images in {Path.GetFullPath(Output)}");
