namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// What a searched schedule is and what it was searched for: its full steps, the model (by
/// fingerprint) and sampler times it is valid for, and how it was found.
/// </summary>
/// <param name="FullSteps">The full steps, ascending, step 0 first.</param>
/// <param name="Times">The sampler times t_0 = 1 .. t_S = 0 it was searched on (their count fixes the step count, their values the shift).</param>
/// <param name="ModelFingerprint">The model's <see cref="Lesa.ModelFingerprint"/>.</param>
/// <param name="ModelName">A readable model name (not checked).</param>
/// <param name="Method">The forecaster it was searched with, as <c>evaluate --methods</c> writes it (e.g. <c>taylorseer:order=2</c>).</param>
/// <param name="Level">The caching level it was searched at.</param>
/// <param name="Search">How it was found (objective, start, evaluations, figures), one line.</param>
public sealed record SearchedScheduleInfo(
    IReadOnlyList<int> FullSteps,
    IReadOnlyList<double> Times,
    string ModelFingerprint,
    string ModelName,
    string Method,
    CacheLevel Level,
    string Search)
{
    /// <summary>Sampler steps S.</summary>
    public int Steps => Times.Count - 1;

    /// <summary>The budget B: how many full steps.</summary>
    public int Budget => FullSteps.Count;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistency.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(FullSteps);
        ArgumentNullException.ThrowIfNull(Times);
        if (Times.Count < 2 || Times.Any(t => !(t >= 0 && t <= 1)))
        {
            throw new ArgumentException($"A schedule needs at least two sampler times in [0, 1]; got {Times.Count}.");
        }

        if (FullSteps.Count == 0 || FullSteps[0] != 0)
        {
            throw new ArgumentException("The full steps must start with step 0: nothing can be forecast before a full step.");
        }

        for (var i = 1; i < FullSteps.Count; i++)
        {
            if (FullSteps[i] <= FullSteps[i - 1] || FullSteps[i] >= Steps)
            {
                throw new ArgumentException($"The full steps must be ascending, distinct and below the step count {Steps}; got [{string.Join(", ", FullSteps)}].");
            }
        }

        if (string.IsNullOrWhiteSpace(ModelFingerprint))
        {
            throw new ArgumentException("The schedule names no model fingerprint.");
        }

        if (string.IsNullOrWhiteSpace(Method) || !Enum.IsDefined(Level))
        {
            throw new ArgumentException("The schedule names no method or an unknown level.");
        }
    }
}
