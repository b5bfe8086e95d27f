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

    /// <summary>Scores an RGB image (interleaved bytes, 32x32) against a prompt.</summary>
    public static FidelityReport Score(byte[] rgb, ScenePrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentNullException.ThrowIfNull(prompt);
        var blobs = new ColorBlobs(rgb);
        var backgroundCorrect = BlobReading.BackgroundShown(blobs, prompt.Background);
        var objects = prompt.Objects.Select(o => Check(rgb, blobs, o, prompt.Background)).ToList();
        var spurious = BlobReading.Spurious(blobs, prompt.Objects.Select(o => o.Color), FrameGeometry.Image);
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

    private static ObjectCheck Check(byte[] rgb, ColorBlobs blobs, SceneObject item, string background)
    {
        var reading = BlobReading.Of(rgb, blobs, item.Color, background, FrameGeometry.Image);
        if (!reading.Found)
        {
            return new ObjectCheck(false, false, false, false, reading.Area, null);
        }

        return new ObjectCheck(true, reading.Cell == item.Cell, reading.IsLarge == (item.Size == Vocabulary.Sizes[1].Word), reading.Shape == item.Shape, reading.Area, reading.Shape);
    }
}
