namespace LesaHiCache.Shapes.Evaluation;

/// <summary>A finished generation of one run on one batch (for saving and showing its items).</summary>
/// <param name="Run">-1 for the reference, else the index into the method x schedule runs.</param>
/// <param name="FirstPrompt">Index of the batch's first prompt.</param>
/// <param name="Images">RGB bytes per item: the image, or a clip's frames side by side in one strip.</param>
/// <param name="Width">Width of each of <paramref name="Images"/> in pixels.</param>
/// <param name="Height">Height of each of <paramref name="Images"/> in pixels.</param>
public sealed record GeneratedBatch(int Run, int FirstPrompt, IReadOnlyList<byte[]> Images, int Width, int Height);
