namespace LesaHiCache.Shapes.Task;

/// <summary>One object of a scene.</summary>
/// <param name="Size">"small" or "large".</param>
/// <param name="Color">An object color name.</param>
/// <param name="Shape">"circle", "square" or "triangle".</param>
/// <param name="Position">A position phrase such as "top left".</param>
public sealed record SceneObject(string Size, string Color, string Shape, string Position)
{
    /// <summary>Side of the box the shape is drawn in (pixels of a 32x32 image).</summary>
    public int Side => Vocabulary.Sizes.First(s => s.Word == Size).Side;

    /// <summary>Grid cell (column, row) of the position.</summary>
    public (int Column, int Row) Cell
    {
        get
        {
            var p = Vocabulary.Positions.First(p => p.Phrase == Position);
            return (p.Column, p.Row);
        }
    }

    /// <summary>"a small red circle at the top left".</summary>
    public override string ToString() => $"a {Size} {Color} {Shape} at the {Position}";
}

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

/// <summary>A prompt that uses an unknown word or does not follow the grammar.</summary>
public sealed class PromptException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public PromptException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PromptException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PromptException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
