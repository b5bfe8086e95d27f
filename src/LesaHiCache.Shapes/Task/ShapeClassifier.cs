namespace LesaHiCache.Shapes.Task;

/// <summary>
/// Reads a blob's shape from the colors of its pixels and their neighbours. Each pixel's coverage
/// is the share of the object color in it, alpha = projection of (pixel - background) on (object -
/// background), clamped to [0, 1], so anti-aliased edges count by how much they are covered. From
/// the coverage: a triangle (apex up) has its mass low, a negative skew of the row profile; a
/// square fills the rectangle of its widest row and tallest column, a circle pi/4 of it.
/// </summary>
public static class ShapeClassifier
{
    /// <summary>Row-profile skewness at or below which a blob reads as a triangle (rendered triangles: -0.47 to -0.62; circles and squares: 0).</summary>
    public const double TriangleSkew = -0.3;

    /// <summary>Fill at or above which a symmetric blob reads as a square (rendered squares: 1.00; circles: 0.77 to 0.82).</summary>
    public const double SquareFill = 0.9;

    /// <summary>Reads the shape of <paramref name="blob"/> (pixel indices of an image <paramref name="side"/> pixels square; the image task's 32 by default) drawn in <paramref name="color"/> on <paramref name="background"/>.</summary>
    public static ShapeReading Read(byte[] rgb, IReadOnlyList<int> blob, PaletteColor color, PaletteColor background, int side = SceneLayout.ImageSize)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(color);
        ArgumentNullException.ThrowIfNull(background);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(side);
        if (blob.Count == 0)
        {
            throw new ArgumentException("The blob is empty.", nameof(blob));
        }

        // The blob and its 8-neighbours: the anti-aliased edge lies just outside the classified blob.
        var region = new HashSet<int>();
        foreach (var p in blob)
        {
            int x = p % side, y = p / side;
            for (var dy = -1; dy <= 1; dy++)
            {
                for (var dx = -1; dx <= 1; dx++)
                {
                    if (x + dx >= 0 && x + dx < side && y + dy >= 0 && y + dy < side)
                    {
                        region.Add((y + dy) * side + x + dx);
                    }
                }
            }
        }

        double ox = color.R - background.R, oy = color.G - background.G, oz = color.B - background.B;
        var norm = (ox * ox) + (oy * oy) + (oz * oz);
        var rows = new double[side];
        var columns = new double[side];
        var area = 0.0;
        foreach (var p in region)
        {
            var alpha = Math.Clamp((((rgb[3 * p] - background.R) * ox) + ((rgb[3 * p + 1] - background.G) * oy) + ((rgb[3 * p + 2] - background.B) * oz)) / norm, 0, 1);
            rows[p / side] += alpha;
            columns[p % side] += alpha;
            area += alpha;
        }

        var fill = area / (rows.Max() * columns.Max());
        var meanRow = Enumerable.Range(0, side).Sum(y => rows[y] * (y + 0.5)) / area;
        var variance = Enumerable.Range(0, side).Sum(y => rows[y] * Math.Pow(y + 0.5 - meanRow, 2)) / area;
        var third = Enumerable.Range(0, side).Sum(y => rows[y] * Math.Pow(y + 0.5 - meanRow, 3)) / area;
        var skew = variance > 0 ? third / Math.Pow(variance, 1.5) : 0;
        var shape = skew <= TriangleSkew ? "triangle" : fill >= SquareFill ? "square" : "circle";
        return new ShapeReading(shape, fill, skew, area);
    }
}
