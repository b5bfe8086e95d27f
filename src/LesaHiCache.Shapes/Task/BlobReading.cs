namespace LesaHiCache.Shapes.Task;

/// <summary>
/// What one frame shows of one object color: its largest blob (if at least the geometry's
/// <see cref="FrameGeometry.MinBlobArea"/> pixels), that blob's centroid, grid cell, area, the shape
/// read from it and whether its area is of the large size class for that shape.
/// </summary>
/// <param name="Found">A blob of the color of at least the minimum area exists.</param>
/// <param name="X">Centroid column in pixels (NaN when not found).</param>
/// <param name="Y">Centroid row in pixels (NaN when not found).</param>
/// <param name="Cell">The grid cell (column, row) of the centroid ((-1, -1) when not found).</param>
/// <param name="Area">The largest blob's area in pixels.</param>
/// <param name="Shape">The shape read (null when not found).</param>
/// <param name="IsLarge">The area is past the geometric mean of the shape's small and large areas.</param>
internal sealed record BlobReading(bool Found, double X, double Y, (int Column, int Row) Cell, int Area, string? Shape, bool IsLarge)
{
    /// <summary>Reads the largest blob of <paramref name="color"/> in a frame on <paramref name="background"/>.</summary>
    public static BlobReading Of(byte[] rgb, ColorBlobs blobs, string color, string background, FrameGeometry geometry)
    {
        var size = blobs.Side;
        var all = blobs.Of(Vocabulary.Palette.ToList().FindIndex(c => c.Name == color));
        var blob = all.Count > 0 ? all[0] : [];
        if (blob.Count < geometry.MinBlobArea)
        {
            return new BlobReading(false, double.NaN, double.NaN, (-1, -1), blob.Count, null, false);
        }

        var x = blob.Average(i => (i % size) + 0.5);
        var y = blob.Average(i => (i / size) + 0.5);
        var shape = ShapeClassifier.Read(rgb, blob, Vocabulary.ObjectColor(color), Vocabulary.Background(background), size).Shape;
        var isLarge = blob.Count >= Math.Sqrt(FidelityScorer.ExpectedArea(shape, geometry.SmallSide) * FidelityScorer.ExpectedArea(shape, geometry.LargeSide));
        return new BlobReading(true, x, y, (geometry.CellOf(x), geometry.CellOf(y)), blob.Count, shape, isLarge);
    }

    /// <summary>
    /// Whether the border ring of the frame mostly shows <paramref name="background"/>. Pixels of the
    /// colors in <paramref name="objectColors"/> are left out of the ring first (the clip task's large
    /// corner boxes reach the border of its 16x16 frames); a ring with nothing left does not show it.
    /// </summary>
    public static bool BackgroundShown(ColorBlobs blobs, string background, IReadOnlyCollection<string>? objectColors = null)
    {
        var size = blobs.Side;
        var palette = Vocabulary.Palette.ToList();
        var index = palette.FindIndex(c => c.Name == background);
        var left = (objectColors ?? []).Select(name => palette.FindIndex(c => c.Name == name)).ToHashSet();
        var border = Enumerable.Range(0, size * size)
            .Where(i => i % size == 0 || i % size == size - 1 || i / size == 0 || i / size == size - 1)
            .Where(i => !left.Contains(blobs.ClassOf(i)))
            .ToList();
        return border.Count > 0 && border.Count(i => blobs.ClassOf(i) == index) >= FidelityScorer.BackgroundBorderShare * border.Count;
    }

    /// <summary>Blobs of object colors that <paramref name="named"/> does not account for (every blob of an unnamed color, every blob but the largest of a named one), of at least the geometry's minimum area.</summary>
    public static List<SpuriousBlob> Spurious(ColorBlobs blobs, IEnumerable<string> named, FrameGeometry geometry)
    {
        var size = blobs.Side;
        var names = named.ToHashSet(StringComparer.Ordinal);
        var palette = Vocabulary.Palette.ToList();
        var spurious = new List<SpuriousBlob>();
        foreach (var color in Vocabulary.ObjectColors)
        {
            var all = blobs.Of(palette.FindIndex(c => c.Name == color.Name));
            spurious.AddRange(all.Skip(names.Contains(color.Name) ? 1 : 0).Where(b => b.Count >= geometry.MinBlobArea).Select(b => new SpuriousBlob(color.Name, b.Count, b.Average(i => (i % size) + 0.5), b.Average(i => (i / size) + 0.5))));
        }

        return spurious;
    }
}
