using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Video;

/// <summary>One object of a clip: a shape that moves in a straight line between two grid cells, or stays still in one.</summary>
/// <param name="Size">"small" or "large".</param>
/// <param name="Color">An object color name.</param>
/// <param name="Shape">"circle", "square" or "triangle".</param>
/// <param name="From">The position phrase of the first frame, such as "top left".</param>
/// <param name="To">The position phrase of the last frame; equal to <paramref name="From"/> for a still object.</param>
public sealed record ClipObject(string Size, string Color, string Shape, string From, string To)
{
    /// <summary>Whether the object stays in one place.</summary>
    public bool IsStill => From == To;

    /// <summary>Side of the box the shape is drawn in (pixels of a clip frame, <see cref="ClipLayout.Geometry"/>).</summary>
    public int Side => ClipLayout.Geometry.SideOf(Size);

    /// <summary>Grid cell (column, row) of the first frame.</summary>
    public (int Column, int Row) Start => CellOf(From);

    /// <summary>Grid cell (column, row) of the last frame.</summary>
    public (int Column, int Row) End => CellOf(To);

    /// <summary>"a small red circle moving from the top left to the bottom right", or "a small red circle still at the top left".</summary>
    public override string ToString() => IsStill
        ? $"a {Size} {Color} {Shape} still at the {From}"
        : $"a {Size} {Color} {Shape} moving from the {From} to the {To}";

    private static (int Column, int Row) CellOf(string phrase)
    {
        var p = Vocabulary.Positions.First(p => p.Phrase == phrase);
        return (p.Column, p.Row);
    }
}
