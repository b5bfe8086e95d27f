using LesaHiCache.Placement;
using LesaHiCache.Sampling;

namespace LesaHiCache.Tests.Placement;

public class PlacementSearchTests
{
    private static IReadOnlyList<double> Times(int steps) => new FlowMatchSchedule(steps, TimestepShift.FluxDynamic, 64).Times;

    /// <summary>Every B-subset of 0..S-1 that holds step 0, ascending.</summary>
    private static IEnumerable<int[]> AllSets(int steps, int budget)
    {
        IEnumerable<int[]> Extend(int[] prefix)
        {
            if (prefix.Length == budget)
            {
                yield return prefix;
                yield break;
            }

            for (var next = prefix[^1] + 1; next < steps; next++)
            {
                foreach (var set in Extend([.. prefix, next]))
                {
                    yield return set;
                }
            }
        }

        return Extend([0]);
    }

    [Fact]
    public void SeparableCost_IsMinimisedExactly_AsBruteForceFindsIt()
    {
        // cost = sum (F_i - target_i)^2: each full step can move to its target on its own, so
        // coordinate descent must end at the brute-force minimum.
        int[] target = [0, 3, 7, 10];
        double Cost(IReadOnlyList<int> f) => f.Select((s, i) => Math.Pow(s - target[i], 2)).Sum();
        var brute = AllSets(12, 4).MinBy(Cost)!;
        Assert.Equal(target, brute);

        var search = new PlacementLocalSearch(12, Cost);
        var best = search.Minimize([[0, 1, 2, 3]], [1, 2, 3, 5, 8], 500);
        Assert.Equal(target, best.FullSteps);
        Assert.Equal(0, best.Cost);
        // Every set is generated once: the trace holds no repeats.
        Assert.Equal(search.Trace.Count, search.Trace.Select(e => string.Join(",", e.FullSteps)).Distinct().Count());
        Assert.All(search.Trace, e => Assert.Equal(0, e.FullSteps[0]));
    }

    [Fact]
    public void Search_StartsFromTheBestStart_AndNeverEndsWorse()
    {
        // A cost with local minima: the search may stop in one, but never above its best start.
        double Cost(IReadOnlyList<int> f) => f.Sum(s => Math.Sin(s * 1.7) + (0.05 * s));
        int[][] starts = [[0, 1, 2, 3, 4], [0, 4, 8, 12, 16], [0, 2, 6, 11, 17]];
        var search = new PlacementLocalSearch(20, Cost);
        var best = search.Minimize(starts, [1, 2], 1000);
        Assert.Equal(starts.Select(s => Cost(s)).ToArray(), search.Trace.Take(3).Select(e => e.Cost).ToArray());
        Assert.True(best.Cost <= starts.Min(s => Cost(s)));
        Assert.Equal(search.Trace.Min(e => e.Cost), best.Cost);

        // A local minimum: no single move of the allowed sizes improves it.
        foreach (var index in Enumerable.Range(1, 4))
        {
            foreach (var move in new[] { -2, -1, 1, 2 })
            {
                var moved = best.FullSteps.ToArray();
                moved[index] += move;
                if (moved[index] >= 1 && moved[index] < 20 && moved.Distinct().Count() == 5)
                {
                    Assert.True(Cost(moved.Order().ToArray()) >= best.Cost);
                }
            }
        }
    }

    [Fact]
    public void EvaluationBudget_IsKept()
    {
        var calls = 0;
        var search = new PlacementLocalSearch(50, f => { calls++; return f.Sum(); });
        search.Minimize([[0, 10, 20, 30, 40]], [1, 2, 3], 7);
        Assert.Equal(7, calls);
        Assert.Equal(7, search.Evaluations);
    }

    [Fact]
    public void BadStartsAndMoves_AreRefused()
    {
        var search = new PlacementLocalSearch(10, f => 0);
        Assert.Throws<ArgumentException>(() => search.Minimize([[1, 2]], [1], 10));
        Assert.Throws<ArgumentException>(() => search.Minimize([[0, 5, 5]], [1], 10));
        Assert.Throws<ArgumentException>(() => search.Minimize([[0, 10]], [1], 10));
        Assert.Throws<ArgumentException>(() => search.Minimize([[0, 1], [0, 1, 2]], [1], 10));
        Assert.Throws<ArgumentException>(() => search.Minimize([[0, 1]], [0], 10));
        Assert.Throws<InvalidOperationException>(() => new PlacementLocalSearch(10, f => double.NaN).Minimize([[0, 1]], [1], 10));
    }

    [Fact]
    public void Starts_HoldThePapersPatterns_AndOnlySetsOfTheBudget()
    {
        var starts = PlacementCandidates.Starts(Times(50), 10);
        Assert.Contains(starts, s => s.SequenceEqual([0, 1, 2, 3, 9, 16, 23, 30, 37, 44]));   // lesa-5x
        Assert.Contains(starts, s => s.SequenceEqual([0, 1, 2, 8, 14, 20, 26, 32, 38, 44]));  // taylorseer-5x
        Assert.Contains(starts, s => s.SequenceEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45])); // counter rule, N = 5, one warm-up step
        Assert.All(starts, s => Assert.Equal(10, s.Length));
        Assert.All(starts, s => Assert.Equal(0, s[0]));
        Assert.Equal(starts.Count, starts.Select(s => string.Join(",", s)).Distinct().Count());
        // A short generation skips the presets that force a step it lacks.
        Assert.All(PlacementCandidates.Starts(Times(3), 2), s => Assert.Equal(2, s.Length));
    }
}
