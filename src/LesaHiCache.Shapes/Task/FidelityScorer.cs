namespace LesaHiCache.Shapes.Task;

/// <summary>
/// Analytic prompt fidelity of a 32x32 RGB image (docs/shapes-task.md). Each pixel is classified to
/// the nearest palette color (or none, if far from all); the background must cover most of the
/// border ring; each object is the largest 4-connected blob of its color, checked for presence (its
/// color), grid cell, size class and shape (<see cref="ShapeClassifier"/>); position, size and
/// shape count only for a found blob, and the size class is judged against the areas of the shape
/// read, so a wrong shape costs one attribute, not two. Every other blob of an object color that is
/// at least <see cref="MinBlobArea"/> pixels (an unnamed color, or a second blob of a named one) is
/// spurious and counts as one more attribute asked for and not shown.
/// </summary>
public static class FidelityScorer
{
    /// <summary>Pixels farther than this (RGB Euclidean, 0-255) from every palette color are unclassified.</summary>
    public const double MaxColorDistance = ColorBlobs.MaxColorDistance;

    /// <summary>Share of the border ring that must show the background color.</summary>
    public const double BackgroundBorderShare = 0.6;

    /// <summary>Smallest blob that counts as an object or a spurious blob: half the smallest drawn shape (a small triangle, 24.5 px).</summary>
    public const int MinBlobArea = 12;

    private const int Size = SceneLayout.ImageSize;

    /// <summary>Scores an RGB image (interleaved bytes, 32x32) against a prompt.</summary>
    public static FidelityReport Score(byte[] rgb, ScenePrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentNullException.ThrowIfNull(prompt);
        var blobs = new ColorBlobs(rgb);
        var palette = Vocabulary.Palette.ToList();
        var background = palette.FindIndex(c => c.Name == prompt.Background);
        var border = Enumerable.Range(0, Size * Size).Where(i => i % Size is 0 or Size - 1 || i / Size is 0 or Size - 1).ToList();
        var backgroundCorrect = border.Count(i => blobs.ClassOf(i) == background) >= BackgroundBorderShare * border.Count;

        var objects = prompt.Objects.Select(o => Check(rgb, blobs, o, Vocabulary.Background(prompt.Background))).ToList();
        var spurious = new List<SpuriousBlob>();
        foreach (var color in Vocabulary.ObjectColors)
        {
            var named = prompt.Objects.Any(o => o.Color == color.Name);
            var all = blobs.Of(palette.FindIndex(c => c.Name == color.Name));
            spurious.AddRange(all.Skip(named ? 1 : 0).Where(b => b.Count >= MinBlobArea).Select(b => new SpuriousBlob(color.Name, b.Count, b.Average(i => (i % Size) + 0.5), b.Average(i => (i / Size) + 0.5))));
        }

        var shown = (backgroundCorrect ? 1 : 0) + objects.Sum(o => o.AttributesCorrect);
        var asked = 1 + (ObjectCheck.Attributes * objects.Count) + spurious.Count;
        return new FidelityReport((double)shown / asked, backgroundCorrect, objects, spurious);
    }

    /// <summary>Expected drawn area (pixels) of a shape in a box of the given side.</summary>
    public static double ExpectedArea(string shape, int side) => shape switch
    {
        "circle" => Math.PI / 4 * side * side,
        "square" => side * side,
        "triangle" => side * side / 2.0,
        _ => throw new PromptException($"Unknown shape '{shape}'."),
    };

    private static ObjectCheck Check(byte[] rgb, ColorBlobs blobs, SceneObject item, PaletteColor background)
    {
        var color = Vocabulary.ObjectColor(item.Color);
        var all = blobs.Of(Vocabulary.Palette.ToList().FindIndex(c => c.Name == item.Color));
        var blob = all.Count > 0 ? all[0] : [];
        if (blob.Count < MinBlobArea)
        {
            return new ObjectCheck(false, false, false, false, blob.Count, null);
        }

        var cx = blob.Average(i => (i % Size) + 0.5);
        var cy = blob.Average(i => (i / Size) + 0.5);
        var positionCorrect = (SceneLayout.CellOf(cx), SceneLayout.CellOf(cy)) == item.Cell;
        var shape = ShapeClassifier.Read(rgb, blob, color, background).Shape;
        // Large when the area is past the geometric mean of the shape's small and large areas.
        var isLarge = blob.Count >= Math.Sqrt(ExpectedArea(shape, Vocabulary.Sizes[0].Side) * ExpectedArea(shape, Vocabulary.Sizes[1].Side));
        return new ObjectCheck(true, positionCorrect, isLarge == (item.Size == Vocabulary.Sizes[1].Word), shape == item.Shape, blob.Count, shape);
    }
}
