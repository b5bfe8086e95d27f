namespace LesaHiCache.Shapes.Task;

/// <summary>Recursive-descent parser of the prompt grammar (see <see cref="Vocabulary"/>).</summary>
internal sealed class PromptParser
{
    private readonly string[] words;
    private int next;

    private PromptParser(string[] words) => this.words = words;

    public static ScenePrompt Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = WordSplitter.Split(text);
        WordSplitter.ThrowOnUnknownWords(words);
        var parser = new PromptParser(words);
        var objects = new List<SceneObject> { parser.Object() };
        if (parser.Peek() == "and")
        {
            parser.next++;
            objects.Add(parser.Object());
        }

        parser.Expect("on");
        parser.Expect("a");
        var background = parser.OneOf("a background color", Vocabulary.Backgrounds.Select(b => b.Name));
        parser.Expect("background");
        if (parser.next < words.Length)
        {
            throw new PromptException($"Unexpected '{words[parser.next]}' after the end of the prompt (word {parser.next + 1}).");
        }

        var prompt = new ScenePrompt(objects, background);
        SceneLayout.ThrowIfInvalid(prompt);
        return prompt;
    }

    private SceneObject Object()
    {
        Expect("a");
        var size = OneOf("a size", Vocabulary.Sizes.Select(s => s.Word));
        var color = OneOf("an object color", Vocabulary.ObjectColors.Select(c => c.Name));
        var shape = OneOf("a shape", Vocabulary.Shapes);
        Expect("at");
        Expect("the");
        return new SceneObject(size, color, shape, Position());
    }

    private string Position()
    {
        if (next + 1 < words.Length)
        {
            var pair = words[next] + " " + words[next + 1];
            if (Vocabulary.Positions.Any(p => p.Phrase == pair))
            {
                next += 2;
                return pair;
            }
        }

        return OneOf("a position", Vocabulary.Positions.Select(p => p.Phrase).Where(p => !p.Contains(' ', StringComparison.Ordinal)));
    }

    private string? Peek() => next < words.Length ? words[next] : null;

    private void Expect(string word)
    {
        if (Peek() != word)
        {
            throw new PromptException($"Expected '{word}' at word {next + 1}, got {Describe()}.");
        }

        next++;
    }

    private string OneOf(string what, IEnumerable<string> choices)
    {
        var options = choices.ToList();
        var word = Peek();
        if (word is null || !options.Contains(word))
        {
            throw new PromptException($"Expected {what} ({string.Join(", ", options)}) at word {next + 1}, got {Describe()}.");
        }

        next++;
        return word;
    }

    private string Describe() => Peek() is { } w ? $"'{w}'" : "the end of the prompt";
}
