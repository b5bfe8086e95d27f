using LesaHiCache.Shapes.Task;
using Xunit.Abstractions;

namespace LesaHiCache.Tests.Shapes;

/// <summary>
/// The scorer's validation (docs/shapes-task.md): rendered ground truth, wrong prompts, noise, and
/// images that differ from their prompt in one known way, each over 400 prompts.
/// </summary>
public class FidelityScorerTests(ITestOutputHelper output)
{
    private const int Count = 400;

    private static int Asked(ScenePrompt prompt) => 1 + (ObjectCheck.Attributes * prompt.Objects.Count);

    private static string OtherShape(string shape) => Vocabulary.Shapes[(Vocabulary.Shapes.ToList().IndexOf(shape) + 1) % Vocabulary.Shapes.Count];

    private List<double> Report(string what, IEnumerable<double> scores)
    {
        var list = scores.ToList();
        output.WriteLine($"{what}: mean {list.Average():F4}, min {list.Min():F3}, max {list.Max():F3} ({list.Count} prompts)");
        return list;
    }

    [Fact]
    public void RenderedGroundTruth_ScoresOne()
    {
        var prompts = new PromptGrammar(seed: 101).Take(Count);
        var scores = Report("ground truth", prompts.Select(p => FidelityScorer.Score(SceneRenderer.Render(p), p).Score));
        Assert.All(scores, s => Assert.Equal(1.0, s));
    }

    [Fact]
    public void EveryRenderedShape_ReadsAsItself()
    {
        // Every size, shape, position, color and background alone on the canvas: 1134 scenes.
        var failures = (from size in Vocabulary.Sizes
                        from shape in Vocabulary.Shapes
                        from position in Vocabulary.Positions
                        from color in Vocabulary.ObjectColors
                        from background in Vocabulary.Backgrounds
                        let prompt = new ScenePrompt([new SceneObject(size.Word, color.Name, shape, position.Phrase)], background.Name)
                        let report = FidelityScorer.Score(SceneRenderer.Render(prompt), prompt)
                        where report.Score != 1.0
                        select $"{prompt.Text}: {report.Explain()}").ToList();
        Assert.Empty(failures);
    }

    [Fact]
    public void WrongPrompts_ScoreAtMost02()
    {
        var images = new PromptGrammar(seed: 102).Take(Count).Select(SceneRenderer.Render).ToList();
        var wrong = new PromptGrammar(seed: 103).Take(Count);
        var scores = Report("wrong prompts", images.Zip(wrong, (image, prompt) => FidelityScorer.Score(image, prompt).Score));
        Assert.True(scores.Average() <= 0.2, $"mean {scores.Average():F4}");
    }

    [Fact]
    public void Noise_ScoresAtMost005()
    {
        var random = new Random(104);
        var prompts = new PromptGrammar(seed: 105).Take(Count);
        var scores = Report("noise", prompts.Select(p =>
        {
            var noise = new byte[32 * 32 * 3];
            random.NextBytes(noise);
            return FidelityScorer.Score(noise, p).Score;
        }));
        Assert.True(scores.Average() <= 0.05, $"mean {scores.Average():F4}");
    }

    [Fact]
    public void AWrongShape_CostsExactlyOneAttribute()
    {
        // The first object drawn as another shape, right color, place and size.
        var prompts = new PromptGrammar(seed: 106).Take(Count);
        var scores = Report("wrong shape", prompts.Select(p =>
        {
            var drawn = p with { Objects = [p.Objects[0] with { Shape = OtherShape(p.Objects[0].Shape) }, .. p.Objects.Skip(1)] };
            var report = FidelityScorer.Score(SceneRenderer.Render(drawn), p);
            Assert.False(report.Objects[0].ShapeCorrect, p.Text);
            Assert.Equal(OtherShape(p.Objects[0].Shape), report.Objects[0].DetectedShape);
            Assert.Equal((Asked(p) - 1.0) / Asked(p), report.Score, 12);
            return report.Score;
        }));
        Assert.InRange(scores.Average(), 0.8, 8.0 / 9);
    }

    [Fact]
    public void AnExtraObject_CountsAsOneMoreAttributeNotShown()
    {
        // A small object of a color the prompt does not name, wherever it fits beside the others.
        var prompts = new PromptGrammar(seed: 107).Take(Count);
        var scored = 0;
        var scores = Report("extra object", prompts.Select(p =>
        {
            var color = Vocabulary.ObjectColors.First(c => p.Objects.All(o => o.Color != c.Name)).Name;
            var extra = Vocabulary.Positions.Select(q => new SceneObject("small", color, "square", q.Phrase)).FirstOrDefault(o => p.Objects.All(x => SceneLayout.Separated(x, o)));
            if (extra is null)
            {
                return double.NaN;
            }

            scored++;
            var report = FidelityScorer.Score(SceneRenderer.Render(p with { Objects = [.. p.Objects, extra] }), p);
            Assert.Equal(color, Assert.Single(report.Spurious).Color);
            Assert.Equal((double)Asked(p) / (Asked(p) + 1), report.Score, 12);
            return report.Score;
        }).Where(double.IsFinite));
        Assert.True(scored > Count * 3 / 4);
        Assert.InRange(scores.Average(), 5.0 / 6, 0.9);
    }

    [Fact]
    public void SwappedColors_ScoreAtMost06()
    {
        // Two-object prompts drawn with the two objects' colors exchanged.
        var prompts = new PromptGrammar(seed: 108, twoObjectProbability: 1).Take(Count).Where(p => p.Objects.Count == 2).ToList();
        var scores = Report("swapped colors", prompts.Select(p =>
        {
            var (a, b) = (p.Objects[0], p.Objects[1]);
            var drawn = p with { Objects = [a with { Color = b.Color }, b with { Color = a.Color }] };
            return FidelityScorer.Score(SceneRenderer.Render(drawn), p).Score;
        }));
        Assert.True(prompts.Count > Count / 2);
        Assert.True(scores.Average() <= 0.6, $"mean {scores.Average():F4}");
    }

    [Fact]
    public void Explain_NamesWhatIsWrong()
    {
        var prompt = ScenePrompt.Parse("a large red circle at the top left on a white background");
        var drawn = ScenePrompt.Parse("a large red square at the top left and a small blue triangle at the bottom right on a white background");
        var report = FidelityScorer.Score(SceneRenderer.Render(drawn), prompt);
        Assert.Equal("object 1: shape square; spurious blue blob (24 px)", report.Explain());
        Assert.Equal("all shown", FidelityScorer.Score(SceneRenderer.Render(prompt), prompt).Explain());
    }
}
