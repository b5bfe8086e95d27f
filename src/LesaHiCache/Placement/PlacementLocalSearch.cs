namespace LesaHiCache.Placement;

/// <summary>
/// Coordinate descent over full-step sets: from the best of the start sets, each full step but step
/// 0 in turn is moved by each of the move sizes, earlier and later (kept distinct and inside
/// 1..S-1), and the best move is kept when it lowers the cost; passes repeat until one changes
/// nothing or the evaluation budget is spent. Every set is evaluated at most once.
/// </summary>
public sealed class PlacementLocalSearch
{
    private readonly Func<IReadOnlyList<int>, double> cost;
    private readonly Dictionary<string, double> evaluated = new(StringComparer.Ordinal);
    private readonly List<PlacementEvaluation> trace = [];

    /// <summary>Creates a search of the full-step sets of an <paramref name="steps"/>-step generation under <paramref name="cost"/> (lower is better).</summary>
    public PlacementLocalSearch(int steps, Func<IReadOnlyList<int>, double> cost)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentNullException.ThrowIfNull(cost);
        Steps = steps;
        this.cost = cost;
    }

    /// <summary>Sampler steps S.</summary>
    public int Steps { get; }

    /// <summary>Every set evaluated so far, in order.</summary>
    public IReadOnlyList<PlacementEvaluation> Trace => trace;

    /// <summary>Sets evaluated so far.</summary>
    public int Evaluations => trace.Count;

    /// <summary>
    /// Runs the search from <paramref name="starts"/> (all of one size, each ascending from step 0),
    /// evaluating at most <paramref name="maxEvaluations"/> sets, and returns the best set found.
    /// </summary>
    public PlacementEvaluation Minimize(IReadOnlyList<int[]> starts, IReadOnlyList<int> moves, int maxEvaluations, Action<PlacementEvaluation>? onEvaluation = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvaluations, 1);
        if (starts.Count == 0 || starts.Any(s => s.Length != starts[0].Length))
        {
            throw new ArgumentException("The search needs start sets, all of one size.", nameof(starts));
        }

        foreach (var start in starts)
        {
            Check(start);
        }

        if (moves.Count == 0 || moves.Any(m => m < 1))
        {
            throw new ArgumentException("Move sizes must be positive step counts.", nameof(moves));
        }

        PlacementEvaluation? best = null;
        foreach (var start in starts)
        {
            if (Evaluations >= maxEvaluations && best is not null)
            {
                break;
            }

            var candidate = Evaluate(start, onEvaluation, cancellation);
            if (best is null || candidate.Cost < best.Cost)
            {
                best = candidate;
            }
        }

        var improved = true;
        while (improved && Evaluations < maxEvaluations)
        {
            improved = false;
            for (var index = 1; index < best!.FullSteps.Count && Evaluations < maxEvaluations; index++)
            {
                var bestMove = best;
                foreach (var size in moves)
                {
                    foreach (var direction in (ReadOnlySpan<int>)[-1, 1])
                    {
                        var moved = Moved(best.FullSteps, index, direction * size);
                        if (moved is null || (Evaluations >= maxEvaluations && !evaluated.ContainsKey(Key(moved))))
                        {
                            continue;
                        }

                        var candidate = Evaluate(moved, onEvaluation, cancellation);
                        if (candidate.Cost < bestMove.Cost)
                        {
                            bestMove = candidate;
                        }
                    }
                }

                if (!ReferenceEquals(bestMove, best))
                {
                    best = bestMove;
                    improved = true;
                }
            }
        }

        return best!;
    }

    private PlacementEvaluation Evaluate(int[] fullSteps, Action<PlacementEvaluation>? onEvaluation, CancellationToken cancellation)
    {
        var key = Key(fullSteps);
        if (evaluated.TryGetValue(key, out var known))
        {
            return new PlacementEvaluation(fullSteps, known);
        }

        cancellation.ThrowIfCancellationRequested();
        var value = cost(fullSteps);
        if (double.IsNaN(value))
        {
            throw new InvalidOperationException($"The cost of full steps [{key}] is NaN.");
        }

        evaluated[key] = value;
        var evaluation = new PlacementEvaluation(fullSteps, value);
        trace.Add(evaluation);
        onEvaluation?.Invoke(evaluation);
        return evaluation;
    }

    /// <summary>The set with element <paramref name="index"/> moved by <paramref name="offset"/>, or null when that leaves 1..S-1 or meets another full step.</summary>
    private int[]? Moved(IReadOnlyList<int> fullSteps, int index, int offset)
    {
        var target = fullSteps[index] + offset;
        if (target < 1 || target >= Steps || fullSteps.Contains(target))
        {
            return null;
        }

        var moved = fullSteps.ToArray();
        moved[index] = target;
        Array.Sort(moved);
        return moved;
    }

    private void Check(int[] fullSteps)
    {
        if (fullSteps.Length == 0 || fullSteps[0] != 0)
        {
            throw new ArgumentException("Every start set must begin with step 0.", nameof(fullSteps));
        }

        for (var i = 1; i < fullSteps.Length; i++)
        {
            if (fullSteps[i] <= fullSteps[i - 1] || fullSteps[i] >= Steps)
            {
                throw new ArgumentException($"Start set [{Key(fullSteps)}] is not ascending within 0..{Steps - 1}.", nameof(fullSteps));
            }
        }
    }

    private static string Key(IReadOnlyList<int> fullSteps) => string.Join(",", fullSteps);
}
