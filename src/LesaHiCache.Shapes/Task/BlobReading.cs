namespace LesaHiCache.Shapes.Task;

/// <summary>
/// What one image shows of one object color: its largest blob (if at least
/// <see cref="FidelityScorer.MinBlobArea"/> pixels), that blob's centroid, area, the shape read from
/// it and whether its area is of the large size class for that shape.
/// </summary>
/// <param name="Found">A blob of the color of at least <see cref="FidelityScorer.MinBlobArea"/> pixels exists.</param>
/// <param name="X">Centroid column in pixels (NaN when not found).</param>
/// <param name="Y">Centroid row in pixels (NaN when not found).</param>
/// <param name="Area">The largest blob's area in pixels.</param>
/// <param name="Shape">The shape read (null when not found).</param>
/// <param name="IsLarge">The area is past the geometric mean of the shape's small and large areas.</param>
internal sealed record BlobReading(bool Found, double X, double Y, int Area, string? Shape, bool IsLarge)
{
    private const int Size = SceneLayout.ImageSize;

    /// <summary>Reads the largest blob of <paramref name="color"/> in an image on <paramref name="background"/>.</summary>
    public static BlobReading Of(byte[] rgb, ColorBlobs blobs, string color, string background)
    {
        var all = blobs.Of(Vocabulary.Palette.ToList().FindIndex(c => c.Name == color));
        var blob = all.Count > 0 ? all[0] : [];
        if (blob.Count < FidelityScorer.MinBlobArea)
        {
            return new BlobReading(false, double.NaN, double.NaN, blob.Count, null, false);
        }

        var x = blob.Average(i => (i % Size) + 0.5);
        var y = blob.Average(i => (i / Size) + 0.5);
        var shape = ShapeClassifier.Read(rgb, blob, Vocabulary.ObjectColor(color), Vocabulary.Background(background)).Shape;
        var isLarge = blob.Count >= Math.Sqrt(FidelityScorer.ExpectedArea(shape, Vocabulary.Sizes[0].Side) * FidelityScorer.ExpectedArea(shape, Vocabulary.Sizes[1].Side));
        return new BlobReading(true, x, y, blob.Count, shape, isLarge);
    }

    /// <summary>The grid cell (column, row) of the centroid.</summary>
    public (int Column, int Row) Cell => (SceneLayout.CellOf(X), SceneLayout.CellOf(Y));

    /// <summary>Whether the border ring of the image mostly shows <paramref name="background"/>.</summary>
    public static bool BackgroundShown(ColorBlobs blobs, string background)
    {
        var index = Vocabulary.Palette.ToList().FindIndex(c => c.Name == background);
        var border = Enumerable.Range(0, Size * Size).Where(i => i % Size is 0 or Size - 1 || i / Size is 0 or Size - 1).ToList();
        return border.Count(i => blobs.ClassOf(i) == index) >= FidelityScorer.BackgroundBorderShare * border.Count;
    }

    /// <summary>Blobs of object colors that <paramref name="named"/> does not account for (every blob of an unnamed color, every blob but the largest of a named one), of at least <see cref="FidelityScorer.MinBlobArea"/> pixels.</summary>
    public static List<SpuriousBlob> Spurious(ColorBlobs blobs, IEnumerable<string> named)
    {
        var names = named.ToHashSet(StringComparer.Ordinal);
        var palette = Vocabulary.Palette.ToList();
        var spurious = new List<SpuriousBlob>();
        foreach (var color in Vocabulary.ObjectColors)
        {
            var all = blobs.Of(palette.FindIndex(c => c.Name == color.Name));
            spurious.AddRange(all.Skip(names.Contains(color.Name) ? 1 : 0).Where(b => b.Count >= FidelityScorer.MinBlobArea).Select(b => new SpuriousBlob(color.Name, b.Count, b.Average(i => (i % Size) + 0.5), b.Average(i => (i / Size) + 0.5))));
        }

        return spurious;
    }
}
