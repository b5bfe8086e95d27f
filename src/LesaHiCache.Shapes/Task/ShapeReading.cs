namespace LesaHiCache.Shapes.Task;

/// <summary>What <see cref="ShapeClassifier"/> read from a blob.</summary>
/// <param name="Shape">"circle", "square" or "triangle".</param>
/// <param name="Fill">Soft area over (widest row x tallest column): 1 for a square, pi/4 for a circle, about 0.5-0.7 for a triangle.</param>
/// <param name="Skew">Skewness of the soft area's rows: 0 for shapes symmetric top to bottom, about -0.5 to -0.6 for a triangle with its apex up.</param>
/// <param name="SoftArea">The object's coverage summed over its pixels (its drawn area in pixels).</param>
public sealed record ShapeReading(string Shape, double Fill, double Skew, double SoftArea);
