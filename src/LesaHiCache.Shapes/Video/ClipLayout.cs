using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Video;

/// <summary>
/// Where objects are in each frame of a clip: <see cref="Frames"/> frames of 16x16 pixels
/// (<see cref="Geometry"/>: the image task's grid at half scale, boxes of 5 and 7 pixels); a moving
/// object's box center goes in a straight line, at constant speed, from its start cell's center
/// (first frame) to its end cell's center (last frame).
/// </summary>
public static class ClipLayout
{
    /// <summary>Frames per clip.</summary>
    public const int Frames = 8;

    /// <summary>Frame side in pixels.</summary>
    public const int FrameSize = 16;

    /// <summary>
    /// The frames' geometry: cell centers 3.75, 8 and 12.25 (the image task's at half scale), small
    /// boxes 5 pixels, large 7 (at half scale a small box would be 3.5 pixels, too few for the shape
    /// reader), and blobs of at least 5 pixels counted (a small triangle covers 12.5).
    /// </summary>
    public static FrameGeometry Geometry { get; } = new(FrameSize, 3.75, 4.25, 5, 7, 5);

    /// <summary>The object's box center (x, y) in pixels at <paramref name="frame"/>.</summary>
    public static (double X, double Y) Center(ClipObject item, int frame)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, Frames);
        var (c0, r0) = item.Start;
        var (c1, r1) = item.End;
        var s = (double)frame / (Frames - 1);
        return (Lerp(Geometry.CellCenter(c0), Geometry.CellCenter(c1), s), Lerp(Geometry.CellCenter(r0), Geometry.CellCenter(r1), s));
    }

    /// <summary>
    /// The object's box at <paramref name="frame"/>: left, top, side (pixels). Its corner snaps to the
    /// nearest half pixel, as every box of the image task lies: an edge that covers 70% of a pixel
    /// would be read as another palette color (orange on black as red) and make a spurious blob.
    /// </summary>
    public static (double Left, double Top, double Side) Box(ClipObject item, int frame)
    {
        var (x, y) = Center(item, frame);
        return (HalfPixel(x - item.Side / 2.0), HalfPixel(y - item.Side / 2.0), item.Side);
    }

    /// <summary>Whether two objects' boxes keep at least a one-pixel gap in every frame.</summary>
    public static bool Separated(ClipObject first, ClipObject second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        for (var f = 0; f < Frames; f++)
        {
            var (l1, t1, s1) = Box(first, f);
            var (l2, t2, s2) = Box(second, f);
            if (!(l1 + s1 + 1 <= l2 || l2 + s2 + 1 <= l1 || t1 + s1 + 1 <= t2 || t2 + s2 + 1 <= t1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="PromptException"/> when a clip prompt cannot be drawn unambiguously.</summary>
    public static void ThrowIfInvalid(ClipPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Objects.Count is < 1 or > 2)
        {
            throw new PromptException($"A clip prompt has one or two objects, not {prompt.Objects.Count}.");
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
                throw new PromptException($"'{a}' and '{b}' would touch or overlap in some frame: choose other paths or a smaller size.");
            }
        }
    }

    private static double HalfPixel(double value) => Math.Round(value * 2, MidpointRounding.AwayFromZero) / 2;

    private static double Lerp(double a, double b, double s) => a + (b - a) * s;
}
