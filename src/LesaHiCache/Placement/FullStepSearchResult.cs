namespace LesaHiCache.Placement;

/// <summary>What a <see cref="FullStepSearch"/> found, with the fixed placement it started from, both measured the same way.</summary>
/// <param name="FullSteps">The best full steps found.</param>
/// <param name="Start">The best fixed placement (where the local search began).</param>
/// <param name="SearchPsnr">Mean PSNR (dB) of the search episodes' outputs against their uncached ones, with <see cref="FullSteps"/>.</param>
/// <param name="StartSearchPsnr">The same with <see cref="Start"/>.</param>
/// <param name="ValidationPsnr">Mean PSNR on the held-out episodes with <see cref="FullSteps"/> (null without any).</param>
/// <param name="StartValidationPsnr">The same with <see cref="Start"/>.</param>
/// <param name="Starts">How many fixed placements were tried.</param>
/// <param name="Evaluations">Sets generated in all.</param>
/// <param name="Wall">Search time.</param>
public sealed record FullStepSearchResult(
    IReadOnlyList<int> FullSteps,
    IReadOnlyList<int> Start,
    double SearchPsnr,
    double StartSearchPsnr,
    double? ValidationPsnr,
    double? StartValidationPsnr,
    int Starts,
    int Evaluations,
    TimeSpan Wall);
