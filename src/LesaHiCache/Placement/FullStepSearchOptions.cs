namespace LesaHiCache.Placement;

/// <summary>How <see cref="FullStepSearch"/> searches.</summary>
public sealed record FullStepSearchOptions
{
    /// <summary>B: how many full steps (step 0 among them).</summary>
    public int Budget { get; init; } = 5;

    /// <summary>Recorded episodes every candidate is generated on (the first ones not held out).</summary>
    public int SearchEpisodes { get; init; } = 4;

    /// <summary>The last recorded episodes, held out: the start and the result are reported on them, never chosen by them.</summary>
    public int ValidationEpisodes { get; init; } = 2;

    /// <summary>Most candidate sets generated (the starts included).</summary>
    public int MaxEvaluations { get; init; } = 300;

    /// <summary>Move sizes of the local search, in steps (each earlier and later).</summary>
    public IReadOnlyList<int> Moves { get; init; } = [1, 2, 3, 5, 8];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option for <paramref name="episodes"/> recorded episodes of <paramref name="steps"/> steps.</summary>
    public void Validate(int episodes, int steps)
    {
        if (Budget < 1 || Budget > steps)
        {
            throw new ArgumentException($"The budget must be 1 to {steps} full steps (the step count); got {Budget}.");
        }

        if (SearchEpisodes < 1 || ValidationEpisodes < 0 || SearchEpisodes + ValidationEpisodes > episodes)
        {
            throw new ArgumentException($"{SearchEpisodes} search + {ValidationEpisodes} validation episodes need that many recorded episodes; there are {episodes}.");
        }

        if (MaxEvaluations < 1)
        {
            throw new ArgumentException($"The search needs at least one evaluation; got {MaxEvaluations}.");
        }

        if (Moves is null || Moves.Count == 0 || Moves.Any(m => m < 1))
        {
            throw new ArgumentException("Move sizes must be positive step counts.");
        }
    }
}
