using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Tests.Shapes;

public class PromptTests
{
    [Fact]
    public void Grammar_IsDeterministic_AndEveryPromptParsesBackToItself()
    {
        var first = new PromptGrammar(seed: 5).Take(300);
        var again = new PromptGrammar(seed: 5).Take(300);
        var other = new PromptGrammar(seed: 6).Take(300);

        Assert.Equal(first.Select(p => p.Text), again.Select(p => p.Text));
        Assert.NotEqual(first.Select(p => p.Text), other.Select(p => p.Text));
        Assert.All(first, p => Assert.Equal(p.Text, ScenePrompt.Parse(p.Text).Text));
        Assert.Contains(first, p => p.Objects.Count == 1);
        Assert.Contains(first, p => p.Objects.Count == 2);
    }

    [Fact]
    public void TakeExcept_SkipsTheExcludedPrompts_AndKeepsTheOrderOfTheRest()
    {
        var all = new PromptGrammar(5).Take(40).Select(p => p.Text).ToList();
        var excluded = new HashSet<string>(all.Where((_, i) => i % 3 == 0), StringComparer.Ordinal);
        var kept = PromptGrammar.TakeExcept(5, 20, excluded).Select(p => p.Text).ToList();
        Assert.Equal(all.Where(p => !excluded.Contains(p)).Take(20), kept);
        Assert.Equal(all.Take(20), PromptGrammar.TakeExcept(5, 20, new HashSet<string>()).Select(p => p.Text));
    }

    [Fact]
    public void Parse_ReadsEveryAttribute()
    {
        var prompt = ScenePrompt.Parse("A small blue square at the top left and a large yellow triangle at the bottom right on a black background.");
        Assert.Equal("black", prompt.Background);
        Assert.Equal(new SceneObject("small", "blue", "square", "top left"), prompt.Objects[0]);
        Assert.Equal(new SceneObject("large", "yellow", "triangle", "bottom right"), prompt.Objects[1]);
        Assert.Equal((2, 2), prompt.Objects[1].Cell);
    }

    [Theory]
    [InlineData("a small pink circle at the top on a white background", "Unknown word 'pink'")]
    [InlineData("a red small circle at the top on a white background", "Expected a size")]
    [InlineData("a small red circle at the top", "Expected 'on'")]
    [InlineData("a small red circle at the top on a red background", "Expected a background color")]
    [InlineData("a small red circle at the top on a white background please", "Unknown word 'please'")]
    [InlineData("a small red circle at the top on a white background a", "Unexpected 'a'")]
    [InlineData("a small red circle at the top and a large red square at the bottom on a white background", "different colors")]
    [InlineData("a large red circle at the center and a small blue square at the top left on a white background", "overlap")]
    [InlineData("", "Expected 'a'")]
    public void Parse_NamesTheProblem(string text, string expected)
    {
        var error = Assert.Throws<PromptException>(() => ScenePrompt.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokenizer_MapsWordsToVocabularyIds_AndPads()
    {
        var tokenizer = new WordTokenizer();
        var ids = tokenizer.Encode("a small red circle at the top on a white background");
        Assert.Equal(tokenizer.MaxLength, ids.Length);
        Assert.Equal(["a", "small", "red", "circle", "at", "the", "top", "on", "a", "white", "background"], ids.TakeWhile(i => i != 0).Select(i => tokenizer.Words[(int)i]));
        Assert.All(ids.Skip(11), id => Assert.Equal(0, id));
        Assert.All(tokenizer.Encode(""), id => Assert.Equal(0, id));
    }

    [Fact]
    public void Tokenizer_RejectsUnknownWordsAndLongPrompts()
    {
        var tokenizer = new WordTokenizer();
        Assert.Contains("'dog'", Assert.Throws<PromptException>(() => tokenizer.Encode("a dog")).Message, StringComparison.Ordinal);
        Assert.Contains("at most 24", Assert.Throws<PromptException>(() => tokenizer.Encode(string.Join(' ', Enumerable.Repeat("a", 25)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Renderer_IsDeterministic_AndPaintsTheBackgroundAndObjectCenters()
    {
        var prompt = ScenePrompt.Parse("a large red square at the center on a gray background");
        var image = SceneRenderer.Render(prompt);
        Assert.Equal(image, SceneRenderer.Render(prompt));
        byte[] Pixel(int x, int y) => image.AsSpan((y * 32 + x) * 3, 3).ToArray();
        Assert.Equal(new byte[] { 128, 128, 128 }, Pixel(0, 0));
        Assert.Equal(new byte[] { 220, 30, 30 }, Pixel(16, 16));
    }
}
