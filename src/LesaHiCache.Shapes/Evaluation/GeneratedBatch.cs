namespace LesaHiCache.Shapes.Evaluation;

/// <summary>A finished generation of one run on one batch (for saving images).</summary>
/// <param name="Run">-1 for the reference, else the index into the method x schedule runs.</param>
/// <param name="FirstPrompt">Index of the batch's first prompt.</param>
/// <param name="Images">RGB bytes per image.</param>
public sealed record GeneratedBatch(int Run, int FirstPrompt, IReadOnlyList<byte[]> Images);
