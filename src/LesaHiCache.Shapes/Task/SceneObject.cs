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
