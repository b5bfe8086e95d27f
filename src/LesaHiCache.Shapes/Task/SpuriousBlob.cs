namespace LesaHiCache.Shapes.Task;

/// <summary>A blob the prompt does not ask for: an object color it does not name, or a second blob of a named one.</summary>
/// <param name="Color">The blob's palette color.</param>
/// <param name="Area">Its area in pixels.</param>
/// <param name="X">Its centroid's column (pixels).</param>
/// <param name="Y">Its centroid's row (pixels).</param>
public sealed record SpuriousBlob(string Color, int Area, double X, double Y);
