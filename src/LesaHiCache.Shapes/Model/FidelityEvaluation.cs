using System.Diagnostics;
using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Model;

/// <summary>Prompt fidelity of a model's generations over prompts drawn from the task grammar.</summary>
/// <param name="PromptSeed">Seed of the prompt sample.</param>
/// <param name="NoiseSeed">Noise seed of the first image (image i uses NoiseSeed + i).</param>
/// <param name="Prompts">The prompts.</param>
/// <param name="Scores">Fidelity per prompt.</param>
/// <param name="Images">The generated images (interleaved RGB, 32x32).</param>
/// <param name="SecondsPerImage">Wall time per image at the batch size used.</param>
public sealed record FidelityEvaluation(int PromptSeed, long NoiseSeed, IReadOnlyList<string> Prompts, IReadOnlyList<double> Scores, IReadOnlyList<byte[]> Images, double SecondsPerImage)
{
    /// <summary>Mean fidelity.</summary>
    public double Mean => Scores.Average();

    /// <summary>Generates and scores <paramref name="count"/> prompts, <paramref name="batch"/> at a time.</summary>
    public static FidelityEvaluation Run(ShapesModel model, int count, int promptSeed, long noiseSeed, ShapesGenerationOptions options, int batch = 16, Action<int>? onImagesDone = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var scenes = new PromptGrammar(promptSeed).Take(count);
        var images = new List<byte[]>();
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < count; start += batch)
        {
            var chunk = scenes.Skip(start).Take(batch).ToList();
            var seeds = chunk.Select((_, i) => noiseSeed + start + i).ToList();
            using var generated = model.Generate(chunk.Select(s => s.Text).ToList(), seeds, options, cancellation: cancellation);
            images.AddRange(Enumerable.Range(0, chunk.Count).Select(i => ShapesModel.ToRgb(generated[i])));
            onImagesDone?.Invoke(images.Count);
        }

        var seconds = clock.Elapsed.TotalSeconds / count;
        var scores = scenes.Zip(images, (scene, image) => FidelityScorer.Score(image, scene).Score).ToList();
        return new FidelityEvaluation(promptSeed, noiseSeed, scenes.Select(s => s.Text).ToList(), scores, images, seconds);
    }
}
