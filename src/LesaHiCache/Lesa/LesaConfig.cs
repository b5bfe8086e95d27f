namespace LesaHiCache.Lesa;

/// <summary>
/// Shape of a LESA predictor (docs/algorithms.md, section 5): the noise stages it is split into, the
/// history length K of each stage's mixer, and the hidden widths and grid of each stage's KAN gain.
/// The defaults are the paper's: stages t &gt; 0.9, 0.5 &lt; t &lt;= 0.9, t &lt;= 0.5; K = 4, 8, 8;
/// gain widths [S + 1, 256, 256, 1]; G = 5, k = 3 on [-3, 3].
/// </summary>
public sealed record LesaConfig
{
    /// <summary>The paper's configuration.</summary>
    public static LesaConfig Default { get; } = new();

    /// <summary>Most stages accepted (the paper uses 3).</summary>
    public const int StageLimit = 8;

    /// <summary>Longest history accepted (the paper uses 8).</summary>
    public const int HistoryLimit = 64;

    /// <summary>Most hidden layers of a gain accepted (the paper uses 2).</summary>
    public const int GainLayerLimit = 8;

    /// <summary>Widest hidden gain layer accepted (the paper uses 256).</summary>
    public const int GainWidthLimit = 4096;

    /// <summary>Largest KAN grid accepted (the paper uses 5).</summary>
    public const int GridSizeLimit = 1024;

    /// <summary>Highest spline order accepted (the paper uses 3).</summary>
    public const int SplineOrderLimit = 8;

    /// <summary>
    /// Stage boundaries in t, descending: stage i holds the steps with StageBounds[i] &lt; t &lt;= StageBounds[i - 1]
    /// (stage 0: t &gt; StageBounds[0]; the last stage: t &lt;= StageBounds[^1]).
    /// </summary>
    public IReadOnlyList<double> StageBounds { get; init; } = Caching.Schedules.NoiseStages.DefaultBoundaries;

    /// <summary>History length K of each stage (one more entry than <see cref="StageBounds"/>).</summary>
    public IReadOnlyList<int> HistoryLengths { get; init; } = [4, 8, 8];

    /// <summary>Hidden widths of each stage's KAN gain (input S + 1 and output 1 are implied).</summary>
    public IReadOnlyList<int> GainWidths { get; init; } = [256, 256];

    /// <summary>G: KAN grid intervals.</summary>
    public int GridSize { get; init; } = 5;

    /// <summary>k: KAN spline order.</summary>
    public int SplineOrder { get; init; } = 3;

    /// <summary>Number of stages (experts).</summary>
    public int Stages => HistoryLengths.Count;

    /// <summary>Longest history any stage reads.</summary>
    public int MaxHistory => HistoryLengths.Max();

    /// <summary>The stage of a step at sampler time <paramref name="t"/>.</summary>
    public int StageOf(double t) => Caching.Schedules.NoiseStages.Of(t, StageBounds);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistency.</summary>
    public void Validate()
    {
        if (HistoryLengths is null || StageBounds is null || GainWidths is null)
        {
            throw new ArgumentException("StageBounds, HistoryLengths and GainWidths must be given.");
        }

        if (HistoryLengths.Count > StageLimit || HistoryLengths.Any(k => k > HistoryLimit) || GainWidths.Count > GainLayerLimit || GainWidths.Any(w => w > GainWidthLimit)
            || GridSize > GridSizeLimit || SplineOrder > SplineOrderLimit)
        {
            throw new ArgumentException(
                $"The configuration exceeds the accepted bounds (at most {StageLimit} stages, history {HistoryLimit}, {GainLayerLimit} gain layers of width {GainWidthLimit}, grid {GridSizeLimit}, spline order {SplineOrderLimit}): stages {HistoryLengths.Count}, histories [{string.Join(", ", HistoryLengths)}], gain widths [{string.Join(", ", GainWidths)}], grid {GridSize}, spline order {SplineOrder}.");
        }

        if (HistoryLengths.Count == 0 || HistoryLengths.Count != StageBounds.Count + 1)
        {
            throw new ArgumentException($"Give one history length per stage: {StageBounds.Count} bounds make {StageBounds.Count + 1} stages, got {HistoryLengths.Count} lengths.");
        }

        if (HistoryLengths.Any(k => k < 1))
        {
            throw new ArgumentException("History lengths must be at least 1.");
        }

        for (var i = 0; i < StageBounds.Count; i++)
        {
            if (!(StageBounds[i] > 0 && StageBounds[i] < 1) || (i > 0 && !(StageBounds[i] < StageBounds[i - 1])))
            {
                throw new ArgumentException($"Stage bounds must lie in (0, 1) and descend, got [{string.Join(", ", StageBounds)}].");
            }
        }

        if (GainWidths.Any(w => w < 1) || GridSize < 1 || SplineOrder < 0)
        {
            throw new ArgumentException("Gain widths and the grid size must be positive, the spline order non-negative.");
        }
    }

    private bool PrintMembers(System.Text.StringBuilder builder) => Printed.Members(this, builder);
}
