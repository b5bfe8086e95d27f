namespace LesaHiCache.Shapes.Task;

/// <summary>Where objects go in the image: a 3x3 grid of cell centers, boxes of the size's side.</summary>
public static class SceneLayout
{
    /// <summary>Image side in pixels.</summary>
    public const int ImageSize = 32;

    /// <summary>Boundaries between grid cells (in pixels): a point is in column/row 0, 1 or 2.</summary>
    public const double CellSide = ImageSize / 3.0;

    /// <summary>Pixel coordinate of the center of grid column or row <paramref name="index"/> (7.5, 16, 24.5).</summary>
    public static double CellCenter(int index) => FrameGeometry.Image.CellCenter(index);

    /// <summary>The grid column or row a pixel coordinate falls in.</summary>
    public static int CellOf(double coordinate) => FrameGeometry.Image.CellOf(coordinate);

    /// <summary>The object's box: left, top, side (pixels).</summary>
    public static (double Left, double Top, double Side) Box(SceneObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var (column, row) = item.Cell;
        return (CellCenter(column) - item.Side / 2.0, CellCenter(row) - item.Side / 2.0, item.Side);
    }

    /// <summary>Whether two objects' boxes keep at least a one-pixel gap.</summary>
    public static bool Separated(SceneObject first, SceneObject second)
    {
        var (l1, t1, s1) = Box(first);
        var (l2, t2, s2) = Box(second);
        return l1 + s1 + 1 <= l2 || l2 + s2 + 1 <= l1 || t1 + s1 + 1 <= t2 || t2 + s2 + 1 <= t1;
    }

    /// <summary>Throws <see cref="PromptException"/> when a prompt cannot be drawn unambiguously.</summary>
    public static void ThrowIfInvalid(ScenePrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Objects.Count is < 1 or > 2)
        {
            throw new PromptException($"A prompt has one or two objects, not {prompt.Objects.Count}.");
        }

        if (prompt.Objects.Count == 2)
        {
            var (a, b) = (prompt.Objects[0], prompt.Objects[1]);
            if (a.Color == b.Color)
            {
                throw new PromptException($"The two objects must have different colors (both are {a.Color}).");
            }

            if (!Separated(a, b))
            {
                throw new PromptException($"'{a}' and '{b}' would overlap: choose positions further apart or a smaller size.");
            }
        }
    }
}
