using System.Globalization;

namespace LesaHiCache.Evaluation;

/// <summary>
/// A wall-clock speedup measured as paired ratios: each ratio is the reference's time on a batch over
/// the method's time on the same batch, measured right after it (docs/algorithms.md, section 9).
/// The speedup is their median; P10 and P90 give the spread. A cached run cannot be faster than its
/// NFE speedup allows, since its forecast steps cost more than nothing; a median above that bound,
/// or a wide spread, means the machine was disturbed during the run: rerun it on a quiet machine.
/// </summary>
public sealed record PairedSpeedup
{
    /// <summary>P90 / P10 above which a run's spread is too wide to trust its median.</summary>
    public const double WideSpread = 1.25;

    /// <summary>Summarises <paramref name="ratios"/> against the run's <paramref name="nfeSpeedup"/>.</summary>
    public PairedSpeedup(IReadOnlyList<double> ratios, double nfeSpeedup)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        var sorted = ratios.Where(double.IsFinite).Order().ToArray();
        Pairs = sorted.Length;
        NfeSpeedup = nfeSpeedup;
        Median = Quantile(sorted, 0.5);
        P10 = Quantile(sorted, 0.1);
        P90 = Quantile(sorted, 0.9);
    }

    /// <summary>Finite pair ratios measured.</summary>
    public int Pairs { get; }

    /// <summary>The bound: steps over full steps.</summary>
    public double NfeSpeedup { get; }

    /// <summary>The median pair ratio (the reported wall speedup).</summary>
    public double Median { get; }

    /// <summary>10th percentile of the pair ratios (linear interpolation).</summary>
    public double P10 { get; }

    /// <summary>90th percentile of the pair ratios (linear interpolation).</summary>
    public double P90 { get; }

    /// <summary>The median exceeds the NFE bound, or P90 / P10 exceeds <see cref="WideSpread"/>.</summary>
    public bool Disturbed => Median > NfeSpeedup || P90 > WideSpread * P10;

    /// <summary>Why <see cref="Disturbed"/> is true, for a message; null when it is not.</summary>
    public string? DisturbedBecause =>
        Median > NfeSpeedup ? string.Create(CultureInfo.InvariantCulture, $"median {Median:F2}x above the {NfeSpeedup:F2}x NFE bound")
        : P90 > WideSpread * P10 ? string.Create(CultureInfo.InvariantCulture, $"pair ratios spread {P10:F2}x-{P90:F2}x (P90/P10 above {WideSpread})")
        : null;

    /// <summary>The q-quantile of sorted values by linear interpolation between closest ranks; NaN when empty.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
