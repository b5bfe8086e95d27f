using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Video;

/// <summary>
/// The words of the text-to-video shapes task: the image task's words (<see cref="Vocabulary"/>) and
/// the motion words. Prompts read "a {size} {color} {shape} (moving from the {position} to the
/// {position} | still at the {position}) [and ...] on a {background} background" (docs/shapes-video.md).
/// </summary>
public static class ClipVocabulary
{
    /// <summary>Words that describe motion.</summary>
    public static IReadOnlyList<string> MotionWords { get; } = ["moving", "from", "to", "still"];

    /// <summary>Every word, in a fixed order (the video tokenizer's ids follow it): the image task's words, then the motion words.</summary>
    public static IReadOnlyList<string> Words { get; } = [.. Vocabulary.Words, .. MotionWords];

    /// <summary>The most words a prompt can have (two moving objects with two-word positions: 31).</summary>
    public const int MaxWords = 32;

    /// <summary>Throws <see cref="PromptException"/> naming the first word not in the vocabulary.</summary>
    public static void ThrowOnUnknownWords(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        foreach (var word in words)
        {
            if (!Words.Contains(word))
            {
                throw new PromptException($"Unknown word '{word}'. The vocabulary is: {string.Join(", ", Words)}.");
            }
        }
    }
}
