using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using LesaHiCache.Shapes.Video;

namespace LesaHiCache.Tests.Video;

/// <summary>The text-to-video task: grammar, parser, layout and renderer (docs/shapes-video.md).</summary>
public class ClipTaskTests
{
    [Fact]
    public void GrammarPrompts_ParseBackToThemselves_FitTheTokenizer_AndNeverTouch()
    {
        var prompts = new ClipGrammar(seed: 5).Take(500);
        var tokenizer = new WordTokenizer(ClipVocabulary.Words, ClipVocabulary.MaxWords);
        foreach (var prompt in prompts)
        {
            Assert.Equal(prompt, ClipPrompt.Parse(prompt.Text));
            Assert.True(WordSplitter.Split(prompt.Text).Length <= ClipVocabulary.MaxWords);
            Assert.Equal(ClipVocabulary.MaxWords, tokenizer.Encode(prompt.Text).Length);
            if (prompt.Objects.Count == 2)
            {
                Assert.NotEqual(prompt.Objects[0].Color, prompt.Objects[1].Color);
                Assert.True(ClipLayout.Separated(prompt.Objects[0], prompt.Objects[1]));
            }
        }

        // Both kinds of object and both object counts occur. A second object is redrawn until it never
        // touches the first, which keeps still ones more often, so more than the 25% drawn are still;
        // in 16x16 frames most pairs touch, so 200 draws find a second object for about 60% of the 50%
        // of prompts that ask for one.
        var objects = prompts.SelectMany(p => p.Objects).ToList();
        Assert.InRange(prompts.Count(p => p.Objects[0].IsStill) / 500.0, 0.18, 0.32);
        Assert.InRange(objects.Count(o => o.IsStill) / (double)objects.Count, 0.25, 0.45);
        Assert.InRange(prompts.Count(p => p.Objects.Count == 2) / 500.0, 0.2, 0.4);
        Assert.Equal(prompts.Select(p => p.Text), new ClipGrammar(seed: 5).Take(500).Select(p => p.Text));
    }

    [Fact]
    public void Parser_ReadsMovingAndStillObjects()
    {
        var prompt = ClipPrompt.Parse("a small red circle moving from the top left to the bottom left and a small blue square still at the top right on a white background");
        Assert.Equal(new ClipObject("small", "red", "circle", "top left", "bottom left"), prompt.Objects[0]);
        Assert.Equal(new ClipObject("small", "blue", "square", "top right", "top right"), prompt.Objects[1]);
        Assert.True(prompt.Objects[1].IsStill);
        Assert.Equal("white", prompt.Background);
        Assert.Equal((0, 0), prompt.Objects[0].Start);
        Assert.Equal((0, 2), prompt.Objects[0].End);
    }

    [Theory]
    [InlineData("a small red circle moving from the top to the top on a white background", "say 'still at the top'")]
    [InlineData("a small red circle at the top on a white background", "'moving' or 'still'")]
    [InlineData("a small red circle moving to the top on a white background", "Expected 'from'")]
    [InlineData("a small red blob still at the top on a white background", "Unknown word 'blob'")]
    [InlineData("a small red circle still at the top and a small red square still at the bottom on a white background", "different colors")]
    [InlineData("a large red circle moving from the left to the right and a large blue square moving from the top to the bottom on a white background", "touch or overlap")]
    public void Parser_NamesTheProblem(string text, string expected)
    {
        var error = Assert.Throws<PromptException>(() => ClipPrompt.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_MovesAtConstantSpeed_FromStartCenterToEndCenter()
    {
        var item = new ClipObject("small", "red", "square", "top left", "bottom right");
        Assert.Equal((3.75, 3.75), ClipLayout.Center(item, 0));
        Assert.Equal((12.25, 12.25), ClipLayout.Center(item, ClipLayout.Frames - 1));
        // 8.5 px over 7 frame steps.
        Assert.Equal(3.75 + 8.5 * 3 / 7, ClipLayout.Center(item, 3).X, 12);
        // The box's corner snaps to half pixels: 3.75 + 8.5 * 3 / 7 - 3.5 = 3.89... -> 4.0.
        Assert.Equal((4.0, 4.0, 7.0), ClipLayout.Box(item with { Size = "large" }, 3));
        var still = item with { To = "top left" };
        Assert.All(Enumerable.Range(0, ClipLayout.Frames), f => Assert.Equal((3.75, 3.75), ClipLayout.Center(still, f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipLayout.Center(item, ClipLayout.Frames));
    }

    [Fact]
    public void Renderer_DrawsEachFrameWhereTheLayoutSays()
    {
        var prompt = ClipPrompt.Parse("a large green square moving from the bottom left to the top right on a black background");
        var frames = ClipRenderer.Render(prompt);
        Assert.Equal(ClipLayout.Frames, frames.Count);
        for (var f = 0; f < frames.Count; f++)
        {
            // The green pixels' centroid is the box center: the square is symmetric.
            var green = Enumerable.Range(0, 16 * 16).Where(p => frames[f][3 * p + 1] > 85).ToList();
            var (x, y) = ClipLayout.Center(prompt.Objects[0], f);
            Assert.Equal(x, green.Average(p => (p % 16) + 0.5), 0.6);
            Assert.Equal(y, green.Average(p => (p / 16) + 0.5), 0.6);
        }
    }

    [Fact]
    public void Clips_PackToTokensAndBack_FrameByFrame()
    {
        var prompts = new ClipGrammar(seed: 9).Take(2);
        using var clips = TorchSharp.torch.stack(prompts.Select(p => ShapesVideoModel.FromRgbFrames(ClipRenderer.Render(p))).ToList());
        Assert.Equal([2L, 3, 8, 16, 16], clips.shape);
        using var tokens = ShapesVideoModel.ToTokens(clips);
        Assert.Equal([2L, ShapesVideoModel.Tokens, ShapesVideoModel.TokenChannels], tokens.shape);
        using var back = ShapesVideoModel.ToClips(tokens);
        Assert.True(back.eq(clips).all().item<bool>());
        using var first = clips[0];
        Assert.Equal(ClipRenderer.Render(prompts[0]), ShapesVideoModel.ToRgbFrames(first));
        // Token 16 (4 x 4 tokens per token frame) is the first of token frame 1: the 4x4 top-left
        // patch of frames 2 and 3, channel-major as a (3, 2, 4, 4) Conv3d patch.
        Assert.Equal((2, 64, 96), (ShapesVideoModel.PatchFrames, ShapesVideoModel.Tokens, ShapesVideoModel.TokenChannels));
        using var token = tokens[0, 16].reshape(3, 2, 4, 4);
        using var patch = clips[0, .., 2..4, ..4, ..4];
        Assert.True(token.eq(patch).all().item<bool>());
    }
}
