namespace LesaHiCache.Shapes.Task;

/// <summary>One object's checks.</summary>
/// <param name="Found">A connected blob of the object's color of at least <see cref="FidelityScorer.MinBlobArea"/> pixels exists (its color is shown).</param>
/// <param name="PositionCorrect">The blob's centroid lies in the named grid cell.</param>
/// <param name="SizeCorrect">The blob's area falls in the named size class (judged for the shape read).</param>
/// <param name="ShapeCorrect">The blob's shape, as <see cref="ShapeClassifier"/> reads it, is the named one.</param>
/// <param name="Area">The blob's area in pixels.</param>
/// <param name="DetectedShape">The shape read from the blob (null when not found).</param>
public sealed record ObjectCheck(bool Found, bool PositionCorrect, bool SizeCorrect, bool ShapeCorrect, int Area, string? DetectedShape)
{
    /// <summary>Attributes judged per object: color, position, size, shape.</summary>
    public const int Attributes = 4;

    /// <summary>How many of the object's attributes are shown.</summary>
    public int AttributesCorrect => (Found ? 1 : 0) + (PositionCorrect ? 1 : 0) + (SizeCorrect ? 1 : 0) + (ShapeCorrect ? 1 : 0);
}
