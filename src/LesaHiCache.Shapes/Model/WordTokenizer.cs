using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Model;

/// <summary>
/// Word-level tokenizer over the task's vocabulary: id 0 pads, ids 1.. follow <see cref="Vocabulary.Words"/>.
/// Every prompt becomes exactly <see cref="MaxLength"/> ids. The empty prompt (all padding) is the null condition.
/// </summary>
public sealed class WordTokenizer
{
    /// <summary>The padding token.</summary>
    public const string Pad = "<pad>";

    private readonly Dictionary<string, int> ids;

    /// <summary>Creates the tokenizer over <paramref name="words"/> (defaults to the task vocabulary).</summary>
    public WordTokenizer(IReadOnlyList<string>? words = null, int maxLength = 24)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        Words = [Pad, .. words ?? Vocabulary.Words];
        ids = Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);
        MaxLength = maxLength;
    }

    /// <summary>Tokens by id (id 0 is <see cref="Pad"/>).</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Number of ids.</summary>
    public int VocabularySize => Words.Count;

    /// <summary>Ids per prompt.</summary>
    public int MaxLength { get; }

    /// <summary>The id of a vocabulary word; an unknown word is a <see cref="PromptException"/>.</summary>
    public int IdOf(string word) =>
        word != Pad && ids.TryGetValue(word, out var id) ? id : throw new PromptException($"Unknown word '{word}'.");

    /// <summary>Ids of a prompt, padded to <see cref="MaxLength"/>; an unknown word or a too-long prompt is a <see cref="PromptException"/>.</summary>
    public long[] Encode(string prompt)
    {
        var words = WordSplitter.Split(prompt);
        var encoded = new long[MaxLength];
        if (words.Length > MaxLength)
        {
            throw new PromptException($"The prompt has {words.Length} words; at most {MaxLength} fit.");
        }

        for (var i = 0; i < words.Length; i++)
        {
            if (!ids.TryGetValue(words[i], out var id) || id == 0)
            {
                throw new PromptException($"Unknown word '{words[i]}'. The vocabulary is: {string.Join(", ", Words.Skip(1))}.");
            }

            encoded[i] = id;
        }

        return encoded;
    }
}
