namespace LesaHiCache.Placement;

/// <summary>One full-step set and its cost (lower is better).</summary>
/// <param name="FullSteps">The full steps, ascending from step 0.</param>
/// <param name="Cost">Its cost.</param>
public sealed record PlacementEvaluation(IReadOnlyList<int> FullSteps, double Cost);
