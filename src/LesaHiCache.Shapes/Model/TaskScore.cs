namespace LesaHiCache.Shapes.Model;

/// <summary>The fidelity of one generated item to its prompt.</summary>
/// <param name="Score">In [0, 1]: the share of the prompt's attributes shown.</param>
/// <param name="Explanation">What is wrong, in one line ("all shown" when nothing is).</param>
public sealed record TaskScore(double Score, string Explanation);
