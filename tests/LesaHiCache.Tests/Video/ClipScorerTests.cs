using LesaHiCache.Shapes.Video;
using Xunit.Abstractions;

namespace LesaHiCache.Tests.Video;

/// <summary>
/// The clip scorer against hand-made clips whose every check is known, and its validation over
/// grammar prompts (rendered ground truth, reversed motion, frozen first frame, flicker, noise).
/// </summary>
public class ClipScorerTests(ITestOutputHelper output)
{
    private const string Diagonal = "a large red square moving from the top left to the bottom right on a white background";

    private static IReadOnlyList<byte[]> Render(string prompt) => ClipRenderer.Render(ClipPrompt.Parse(prompt));

    /// <summary>A clip whose frame f shows the still prompt at cell <paramref name="cells"/>[f].</summary>
    private static List<byte[]> Through(string size, string color, string shape, string background, params string[] cells) =>
        [.. cells.Select(c => ClipRenderer.RenderFrame(ClipPrompt.Parse($"a {size} {color} {shape} still at the {c} on a {background} background"), 0))];

    [Fact]
    public void RenderedGroundTruth_ScoresOne()
    {
        var prompts = new ClipGrammar(seed: 77).Take(1000);
        var failures = prompts.Select(p => (Prompt: p, Report: ClipScorer.Score(ClipRenderer.Render(p), p))).Where(r => r.Report.Score < 1).Select(r => $"{r.Prompt}: {r.Report.Explain()}").ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void ReversedMotion_FailsStartEndAndPath()
    {
        var report = ClipScorer.Score(Render("a large red square moving from the bottom right to the top left on a white background"), ClipPrompt.Parse(Diagonal));
        var o = report.Objects[0];
        Assert.True(o.Found && o.SizeCorrect && o.ShapeCorrect && o.Steady);
        Assert.False(o.StartCorrect || o.EndCorrect || o.PathCorrect);
        Assert.Equal(5.0 / 8, report.Score, 12);
        Assert.Equal("object 1: start, end, path", report.Explain());
    }

    [Fact]
    public void FrozenFirstFrame_FailsEndAndPath_ButNotAStillObject()
    {
        var moving = Render(Diagonal);
        var report = ClipScorer.Score(Enumerable.Repeat(moving[0], 8).ToList(), ClipPrompt.Parse(Diagonal));
        Assert.Equal("object 1: end, path", report.Explain());
        Assert.Equal(6.0 / 8, report.Score, 12);

        const string Still = "a small blue circle still at the center on a gray background";
        var still = Render(Still);
        Assert.Equal(1.0, ClipScorer.Score(Enumerable.Repeat(still[0], 8).ToList(), ClipPrompt.Parse(Still)).Score);
    }

    [Fact]
    public void AnObjectMissingFromOneFrame_IsFlicker()
    {
        var frames = Render(Diagonal).ToList();
        frames[4] = ClipRenderer.RenderFrame(ClipPrompt.Parse(Diagonal) with { Objects = [] }, 0);
        var report = ClipScorer.Score(frames, ClipPrompt.Parse(Diagonal));
        Assert.Equal("object 1: flicker", report.Explain());
        Assert.Equal(7, report.Objects[0].FramesFound);
        Assert.Equal(7.0 / 8, report.Score, 12);
    }

    [Fact]
    public void AnLShapedPath_EndsRight_ButLeavesTheLine()
    {
        // Top left, along the top, then down the right side: monotone along the diagonal, 6 px off it at the top right.
        var frames = Through("small", "green", "square", "black", "top left", "top left", "top", "top right", "top right", "right", "bottom right", "bottom right");
        var report = ClipScorer.Score(frames, ClipPrompt.Parse("a small green square moving from the top left to the bottom right on a black background"));
        Assert.Equal("object 1: path", report.Explain());
    }

    [Fact]
    public void FramesOutOfOrder_StepBack()
    {
        var frames = Render(Diagonal).ToList();
        (frames[2], frames[5]) = (frames[5], frames[2]);
        Assert.Equal("object 1: path", ClipScorer.Score(frames, ClipPrompt.Parse(Diagonal)).Explain());
    }

    [Fact]
    public void AStillObjectThatDrifts_FailsPath()
    {
        var frames = Through("small", "cyan", "triangle", "white", "left", "left", "left", "left", "center", "center", "center", "center");
        var report = ClipScorer.Score(frames, ClipPrompt.Parse("a small cyan triangle still at the left on a white background"));
        Assert.Equal("object 1: end, path", report.Explain());
    }

    [Fact]
    public void WrongSizeShapeAndAnExtraObject_AreCounted()
    {
        var frames = Render("a small red circle moving from the top left to the bottom left and a small blue square still at the top right on a white background");
        var report = ClipScorer.Score(frames, ClipPrompt.Parse("a large red square moving from the top left to the bottom left on a white background"));
        Assert.Equal("object 1: size, shape; 1 spurious blob", report.Explain());
        Assert.Equal(6.0 / 9, report.Score, 12);
    }

    [Fact]
    public void Validation_SeparatesTruthFromEveryKindOfError()
    {
        var v = ClipScorerValidation.Run(seed: 31, count: 200);
        output.WriteLine($"ground truth {v.GroundTruth:F4}, reversed {v.Reversed:F4}, frozen {v.Frozen:F4}, flicker {v.Flicker:F4}, noise {v.Noise:F4} ({v.Prompts} prompts, {v.WithMotion} with motion)");
        Assert.Equal(1.0, v.GroundTruth);
        Assert.InRange(v.Reversed, 0.4, 0.8);
        Assert.InRange(v.Frozen, 0.6, 0.9);
        Assert.InRange(v.Flicker, 0.75, 0.95);
        Assert.InRange(v.Noise, 0, 0.1);
    }
}
