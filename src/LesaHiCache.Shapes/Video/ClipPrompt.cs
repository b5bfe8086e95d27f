namespace LesaHiCache.Shapes.Video;

/// <summary>A structured clip prompt: one or two objects (moving or still) on a background.</summary>
/// <param name="Objects">One or two objects, of different colors, whose boxes never touch.</param>
/// <param name="Background">A background color name.</param>
public sealed record ClipPrompt(IReadOnlyList<ClipObject> Objects, string Background)
{
    /// <summary>The prompt text.</summary>
    public string Text => $"{string.Join(" and ", Objects)} on a {Background} background";

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Value equality over the text.</summary>
    public bool Equals(ClipPrompt? other) => other is not null && Text == other.Text;

    /// <inheritdoc />
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    /// <summary>Parses prompt text; throws <see cref="Task.PromptException"/> naming the first problem.</summary>
    public static ClipPrompt Parse(string text) => ClipPromptParser.Parse(text);
}
