namespace LesaHiCache.Shapes.Task;

/// <summary>Reads a prompt's words in order for the recursive-descent prompt parsers; every mismatch is a <see cref="PromptException"/> naming the word.</summary>
internal sealed class WordCursor(string[] words)
{
    private int next;

    public string? Peek() => next < words.Length ? words[next] : null;

    public void Skip() => next++;

    public void Expect(string word)
    {
        if (Peek() != word)
        {
            throw new PromptException($"Expected '{word}' at word {next + 1}, got {Describe()}.");
        }

        next++;
    }

    public string OneOf(string what, IEnumerable<string> choices)
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

    /// <summary>A position phrase: two words ("top left") or one ("top").</summary>
    public string Position()
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

    /// <summary>"on a {background} background" and the end of the prompt.</summary>
    public string BackgroundAndEnd()
    {
        Expect("on");
        Expect("a");
        var background = OneOf("a background color", Vocabulary.Backgrounds.Select(b => b.Name));
        Expect("background");
        if (next < words.Length)
        {
            throw new PromptException($"Unexpected '{words[next]}' after the end of the prompt (word {next + 1}).");
        }

        return background;
    }

    /// <summary>"a {size} {color} {shape}".</summary>
    public (string Size, string Color, string Shape) Article()
    {
        Expect("a");
        var size = OneOf("a size", Vocabulary.Sizes.Select(s => s.Word));
        var color = OneOf("an object color", Vocabulary.ObjectColors.Select(c => c.Name));
        var shape = OneOf("a shape", Vocabulary.Shapes);
        return (size, color, shape);
    }

    private string Describe() => Peek() is { } w ? $"'{w}'" : "the end of the prompt";
}
