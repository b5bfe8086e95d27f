namespace LesaHiCache.Shapes.Video;

/// <summary>
/// The clip scorer's validation over grammar prompts: the mean score of rendered ground truth, and of
/// clips that break the prompt in one known way: motion reversed (the clip of the prompt with every
/// start and end swapped), the first frame frozen for the whole clip, one frame with the objects
/// gone (flicker), and uniform noise. Only prompts with a moving object count for the reversed and
/// frozen clips (a still-only clip is its own reversal).
/// </summary>
/// <param name="Prompts">Prompts drawn.</param>
/// <param name="GroundTruth">Mean score of the rendered clips.</param>
/// <param name="Reversed">Mean score of the reversed clips (prompts with motion).</param>
/// <param name="Frozen">Mean score of the frozen clips (prompts with motion).</param>
/// <param name="Flicker">Mean score of the clips with frame 3 emptied.</param>
/// <param name="Noise">Mean score of uniform-noise clips.</param>
/// <param name="WithMotion">Prompts with at least one moving object.</param>
public sealed record ClipScorerValidation(int Prompts, double GroundTruth, double Reversed, double Frozen, double Flicker, double Noise, int WithMotion)
{
    /// <summary>Scores the five kinds of clip for <paramref name="count"/> prompts of <paramref name="seed"/>.</summary>
    public static ClipScorerValidation Run(int seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var prompts = new ClipGrammar(seed).Take(count);
        var random = new Random(seed);
        var truth = new List<double>();
        var reversed = new List<double>();
        var frozen = new List<double>();
        var flicker = new List<double>();
        var noise = new List<double>();
        foreach (var prompt in prompts)
        {
            var frames = ClipRenderer.Render(prompt);
            truth.Add(ClipScorer.Score(frames, prompt).Score);
            if (prompt.Objects.Any(o => !o.IsStill))
            {
                var back = prompt with { Objects = [.. prompt.Objects.Select(o => o with { From = o.To, To = o.From })] };
                reversed.Add(ClipScorer.Score(ClipRenderer.Render(back), prompt).Score);
                frozen.Add(ClipScorer.Score(Enumerable.Repeat(frames[0], frames.Count).ToList(), prompt).Score);
            }

            var empty = ClipRenderer.RenderFrame(prompt with { Objects = [] }, 0);
            flicker.Add(ClipScorer.Score([.. frames.Select((f, i) => i == 3 ? empty : f)], prompt).Score);
            noise.Add(ClipScorer.Score([.. frames.Select(f => RandomBytes(random, f.Length))], prompt).Score);
        }

        return new ClipScorerValidation(count, truth.Average(), reversed.Average(), frozen.Average(), flicker.Average(), noise.Average(), reversed.Count);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
