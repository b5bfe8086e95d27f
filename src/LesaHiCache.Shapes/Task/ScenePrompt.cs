namespace LesaHiCache.Shapes.Task;

/// <summary>A structured prompt: one or two objects on a background.</summary>
/// <param name="Objects">One or two objects, of different colors and non-overlapping boxes.</param>
/// <param name="Background">A background color name.</param>
public sealed record ScenePrompt(IReadOnlyList<SceneObject> Objects, string Background)
{
    /// <summary>The prompt text.</summary>
    public string Text => $"{string.Join(" and ", Objects)} on a {Background} background";

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Value equality over the objects' contents.</summary>
    public bool Equals(ScenePrompt? other) => other is not null && Text == other.Text;

    /// <inheritdoc />
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    /// <summary>Parses prompt text; throws <see cref="PromptException"/> naming the first problem.</summary>
    public static ScenePrompt Parse(string text) => PromptParser.Parse(text);
}
