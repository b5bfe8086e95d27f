using LesaHiCache.Shapes.Task;
using Xunit.Abstractions;

namespace LesaHiCache.Tests.Shapes;

public class FidelityScorerTests(ITestOutputHelper output)
{
    private const int Count = 400;

    [Fact]
    public void RenderedGroundTruth_ScoresAtLeast095()
    {
        var prompts = new PromptGrammar(seed: 101).Take(Count);
        var scores = prompts.Select(p => FidelityScorer.Score(SceneRenderer.Render(p), p).Score).ToList();
        output.WriteLine($"ground truth: mean {scores.Average():F4}, min {scores.Min():F3}");
        Assert.True(scores.Average() >= 0.95, $"mean {scores.Average():F4}");
    }

    [Fact]
    public void WrongPrompts_ScoreAtMost02()
    {
        var images = new PromptGrammar(seed: 102).Take(Count).Select(SceneRenderer.Render).ToList();
        var wrong = new PromptGrammar(seed: 103).Take(Count);
        var scores = images.Zip(wrong, (image, prompt) => FidelityScorer.Score(image, prompt).Score).ToList();
        output.WriteLine($"wrong prompts: mean {scores.Average():F4}, max {scores.Max():F3}");
        Assert.True(scores.Average() <= 0.2, $"mean {scores.Average():F4}");
    }

    [Fact]
    public void Noise_ScoresAtMost02()
    {
        var random = new Random(104);
        var prompts = new PromptGrammar(seed: 105).Take(Count);
        var scores = prompts.Select(p =>
        {
            var noise = new byte[32 * 32 * 3];
            random.NextBytes(noise);
            return FidelityScorer.Score(noise, p).Score;
        }).ToList();
        output.WriteLine($"noise: mean {scores.Average():F4}, max {scores.Max():F3}");
        Assert.True(scores.Average() <= 0.2, $"mean {scores.Average():F4}");
    }
}
