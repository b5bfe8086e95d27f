using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Model;

/// <summary>Prompt fidelity of a model's generations over prompts drawn from the task grammar.</summary>
/// <param name="PromptSeed">Seed of the prompt sample.</param>
/// <param name="NoiseSeed">Noise seed of the first image (image i uses NoiseSeed + i).</param>
/// <param name="Prompts">The prompts.</param>
/// <param name="Reports">What the scorer found per prompt.</param>
/// <param name="Images">The generated images (interleaved RGB, 32x32).</param>
/// <param name="SecondsPerImage">Wall time per image at the batch size used.</param>
public sealed record FidelityEvaluation(int PromptSeed, long NoiseSeed, IReadOnlyList<ScenePrompt> Prompts, IReadOnlyList<FidelityReport> Reports, IReadOnlyList<byte[]> Images, double SecondsPerImage)
{
    /// <summary>Fidelity per prompt.</summary>
    public IReadOnlyList<double> Scores => [.. Reports.Select(r => r.Score)];

    /// <summary>Mean fidelity.</summary>
    public double Mean => Scores.Average();

    /// <summary>Mean fidelity of the prompts with <paramref name="objects"/> objects (null when there are none).</summary>
    public double? MeanOf(int objects)
    {
        var scores = Prompts.Zip(Reports).Where(p => p.First.Objects.Count == objects).Select(p => p.Second.Score).ToList();
        return scores.Count == 0 ? null : scores.Average();
    }

    /// <summary>Prompts with <paramref name="objects"/> objects.</summary>
    public int CountOf(int objects) => Prompts.Count(p => p.Objects.Count == objects);

    /// <summary>Generates and scores <paramref name="count"/> prompts, <paramref name="batch"/> at a time.</summary>
    public static FidelityEvaluation Run(ShapesModel model, int count, int promptSeed, long noiseSeed, ShapesGenerationOptions options, int batch = 16, Action<int>? onImagesDone = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var scenes = new PromptGrammar(promptSeed).Take(count);
        var (items, seconds) = BatchedGeneration.Run(model, [.. scenes.Select(s => s.Text)], noiseSeed, options, batch, onImagesDone, cancellation);
        var images = items.Select(frames => frames[0]).ToList();
        var reports = scenes.Zip(images, (scene, image) => FidelityScorer.Score(image, scene)).ToList();
        return new FidelityEvaluation(promptSeed, noiseSeed, scenes, reports, images, seconds);
    }
}
