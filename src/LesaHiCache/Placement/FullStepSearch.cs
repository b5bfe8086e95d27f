using System.Diagnostics;
using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa.Training;

namespace LesaHiCache.Placement;

/// <summary>
/// Chooses where the B full steps of an S-step generation go for one caching method, on recorded
/// uncached trajectories of training samples: every candidate set is generated in the closed loop
/// (the real model on the full steps, the method's forecasts on the others, from the recorded
/// initial noise) and scored by the mean PSNR of the final outputs against the uncached ones, measured as LESA's
/// held-out validation measures a predictor. The
/// search starts from the fixed placements (<see cref="PlacementCandidates"/>) and improves the best
/// of them by <see cref="PlacementLocalSearch"/>. Held-out episodes report the start and the result
/// and choose nothing. See docs/placement.md.
/// </summary>
public sealed class FullStepSearch
{
    private readonly ILesaTrainingHost host;
    private readonly LesaTrajectories trajectories;
    private readonly Func<ICacheSchedule, CacheConfig> method;
    private readonly FullStepSearchOptions options;

    /// <summary>
    /// Creates a search on <paramref name="trajectories"/> of <paramref name="host"/>'s model, for the
    /// caching method <paramref name="method"/> gives for a schedule (its forecaster and level).
    /// </summary>
    public FullStepSearch(ILesaTrainingHost host, LesaTrajectories trajectories, Func<ICacheSchedule, CacheConfig> method, FullStepSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(trajectories);
        ArgumentNullException.ThrowIfNull(method);
        this.options = options ?? new FullStepSearchOptions();
        this.options.Validate(trajectories.Episodes.Count, trajectories.Steps);
        if (trajectories.ModelFingerprint != host.ModelFingerprint)
        {
            throw new ArgumentException($"The trajectories come from another model (fingerprint {trajectories.ModelFingerprint}) than the host's ({host.ModelFingerprint}).", nameof(trajectories));
        }

        this.host = host;
        this.trajectories = trajectories;
        this.method = method;
    }

    /// <summary>Runs the search; <paramref name="onProgress"/> hears (sets evaluated, evaluation budget, best search PSNR so far) after each set.</summary>
    public FullStepSearchResult Run(Action<int, int, double>? onProgress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var episodes = trajectories.Episodes;
        var validation = episodes.Skip(episodes.Count - options.ValidationEpisodes).ToList();
        var search = episodes.Take(options.SearchEpisodes).ToList();
        var starts = PlacementCandidates.Starts(trajectories.Times, options.Budget);
        var local = new PlacementLocalSearch(trajectories.Steps, fullSteps => -MeanPsnr(search, fullSteps, cancellation));
        var bestSoFar = double.NegativeInfinity;
        var best = local.Minimize(starts, options.Moves, options.MaxEvaluations, evaluation =>
        {
            bestSoFar = Math.Max(bestSoFar, -evaluation.Cost);
            onProgress?.Invoke(local.Evaluations, options.MaxEvaluations, bestSoFar);
        }, cancellation);
        var start = local.Trace.Take(starts.Count).MinBy(e => e.Cost)!;
        double? validationPsnr = validation.Count == 0 ? null : MeanPsnr(validation, best.FullSteps, cancellation);
        double? startValidationPsnr = validation.Count == 0 ? null : MeanPsnr(validation, start.FullSteps, cancellation);
        return new FullStepSearchResult(best.FullSteps, start.FullSteps, -best.Cost, -start.Cost, validationPsnr, startValidationPsnr, starts.Count, local.Evaluations, clock.Elapsed);
    }

    /// <summary>The schedule file's content for <paramref name="result"/>; <paramref name="samples"/> says which training samples were recorded.</summary>
    public SearchedScheduleInfo Describe(FullStepSearchResult result, string methodText, CacheLevel level, string? samples = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(methodText);
        var validation = result.ValidationPsnr is double v && result.StartValidationPsnr is double s
            ? string.Create(CultureInfo.InvariantCulture, $"; held-out {options.ValidationEpisodes} episodes {s:F2} -> {v:F2} dB")
            : "";
        var search = string.Create(
            CultureInfo.InvariantCulture,
            $"closed-loop local search on {options.SearchEpisodes} recorded episodes ({host.Setup}): mean PSNR of the outputs {result.StartSearchPsnr:F2} dB (best of {result.Starts} fixed placements, [{string.Join(",", result.Start)}]) -> {result.SearchPsnr:F2} dB{validation}; {result.Evaluations} sets generated, moves {string.Join("/", options.Moves)}, {result.Wall.TotalMinutes:F1} min{(samples is null ? "" : $"; samples: {samples}")}");
        return new SearchedScheduleInfo(result.FullSteps, trajectories.Times, host.ModelFingerprint, host.ModelName, methodText, level, search);
    }

    private double MeanPsnr(IReadOnlyList<LesaEpisode> episodes, IReadOnlyList<int> fullSteps, CancellationToken cancellation) =>
        HeldOutValidation.MeanPsnr(host, episodes, method(new StepMaskSchedule(fullSteps)), cancellation);
}
