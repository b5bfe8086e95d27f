namespace LesaHiCache.Shapes.Task;

/// <summary>Splits prompts into lower-case words and checks them against the vocabulary.</summary>
public static class WordSplitter
{
    /// <summary>Lower-cased words separated by white space (commas and a final period are ignored).</summary>
    public static string[] Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.ToLowerInvariant()
            .Replace(",", " ", StringComparison.Ordinal)
            .TrimEnd('.', ' ')
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Throws <see cref="PromptException"/> naming the first word not in the vocabulary.</summary>
    public static void ThrowOnUnknownWords(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        foreach (var word in words)
        {
            if (!Vocabulary.Words.Contains(word))
            {
                throw new PromptException($"Unknown word '{word}'. The vocabulary is: {string.Join(", ", Vocabulary.Words)}.");
            }
        }
    }
}
