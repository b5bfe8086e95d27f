using LesaHiCache.Shapes.Model;

namespace LesaHiCache.Shapes.Video;

/// <summary>Prompt fidelity of a video model's clips over prompts drawn from the clip grammar.</summary>
/// <param name="PromptSeed">Seed of the prompt sample.</param>
/// <param name="NoiseSeed">Noise seed of the first clip (clip i uses NoiseSeed + i).</param>
/// <param name="Prompts">The prompts.</param>
/// <param name="Reports">What the clip scorer found per prompt.</param>
/// <param name="Clips">The generated clips, as 8-bit RGB frames.</param>
/// <param name="SecondsPerClip">Wall time per clip at the batch size used.</param>
public sealed record ClipFidelityEvaluation(int PromptSeed, long NoiseSeed, IReadOnlyList<ClipPrompt> Prompts, IReadOnlyList<ClipFidelityReport> Reports, IReadOnlyList<IReadOnlyList<byte[]>> Clips, double SecondsPerClip)
{
    /// <summary>Mean fidelity.</summary>
    public double Mean => Reports.Average(r => r.Score);

    /// <summary>Mean fidelity of the prompts that match <paramref name="filter"/> (null when none does).</summary>
    public double? MeanOf(Func<ClipPrompt, bool> filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var scores = Prompts.Zip(Reports).Where(p => filter(p.First)).Select(p => p.Second.Score).ToList();
        return scores.Count == 0 ? null : scores.Average();
    }

    /// <summary>Generates and scores <paramref name="count"/> prompts of <paramref name="promptSeed"/>, <paramref name="batch"/> at a time.</summary>
    public static ClipFidelityEvaluation Run(ShapesVideoModel model, int count, int promptSeed, long noiseSeed, ShapesGenerationOptions options, int batch = 16, Action<int>? onClipsDone = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var prompts = new ClipGrammar(promptSeed).Take(count);
        var (clips, seconds) = BatchedGeneration.Run(model, [.. prompts.Select(p => p.Text)], noiseSeed, options, batch, onClipsDone, cancellation);
        var reports = prompts.Zip(clips, (prompt, frames) => ClipScorer.Score(frames, prompt)).ToList();
        return new ClipFidelityEvaluation(promptSeed, noiseSeed, prompts, reports, clips, seconds);
    }
}
