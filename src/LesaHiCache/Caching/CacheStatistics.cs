using System.Globalization;
using LesaHiCache.Evaluation;

namespace LesaHiCache.Caching;

/// <summary>What one generation's cache did.</summary>
public sealed class CacheStatistics
{
    private readonly List<int> fullSteps = [];
    private readonly List<int> forecastSteps = [];
    private readonly List<ShadowError> shadowErrors = [];
    private readonly List<IndicatorValue> indicatorValues = [];

    /// <summary>Steps computed fully.</summary>
    public IReadOnlyList<int> FullSteps => fullSteps;

    /// <summary>Steps forecast.</summary>
    public IReadOnlyList<int> ForecastSteps => forecastSteps;

    /// <summary>
    /// The values an adaptive schedule compared with its threshold, one per step where it compared
    /// one (docs/indicators.md): the raw material for choosing a threshold.
    /// </summary>
    public IReadOnlyList<IndicatorValue> IndicatorValues => indicatorValues;

    /// <summary>Min, quartiles, P95 and max of <see cref="IndicatorValues"/>, or null when there are none.</summary>
    public IndicatorPercentiles? IndicatorSpread => indicatorValues.Count == 0 ? null : IndicatorPercentiles.Of(indicatorValues.Select(v => v.Value));

    /// <summary>Forecast errors recorded in shadow mode.</summary>
    public IReadOnlyList<ShadowError> ShadowErrors => shadowErrors;

    /// <summary>
    /// Where a full step first computed NaN or infinite features (null when none did); with
    /// <see cref="NonFinitePolicy.ComputeFully"/> every later step is full.
    /// </summary>
    public NonFiniteFeatures? NonFinite { get; internal set; }

    /// <summary>Most bytes the forecaster held during the generation.</summary>
    public long PeakCacheBytes { get; private set; }

    /// <summary>Cached items (over all branches) at the peak.</summary>
    public int Items { get; private set; }

    /// <summary>Images of the generation (CFG branches of one image count once).</summary>
    public long BatchItems { get; internal set; }

    /// <summary>Peak cache memory per image.</summary>
    public double PeakCacheBytesPerItem => BatchItems == 0 ? 0 : (double)PeakCacheBytes / BatchItems;

    /// <summary>Steps S / full steps.</summary>
    public double NfeSpeedup => fullSteps.Count == 0 ? 0 : (double)(fullSteps.Count + forecastSteps.Count) / fullSteps.Count;

    /// <summary>
    /// One line: full and forecast steps with the NFE speedup, the peak cache memory, shadow errors
    /// (count and min/P50/P95/max of the relative L1) when recorded, the indicator's spread when an
    /// adaptive schedule compared one, and where features were not finite.
    /// </summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.Append(c, $"{fullSteps.Count} full steps [{string.Join(",", fullSteps)}], {forecastSteps.Count} forecast ({NfeSpeedup:F2}x fewer evaluations)");
        text.Append(c, $"; cache peak {PeakCacheBytes / 1e6:F2} MB in {Items} items ({PeakCacheBytesPerItem / 1e6:F2} MB per image)");
        if (shadowErrors.Count > 0)
        {
            var errors = shadowErrors.Select(e => e.RelativeL1).Order().ToArray();
            text.Append(c, $"; shadow rel L1 over {errors.Length}: min {errors[0]:G3}, P50 {PairedSpeedup.Quantile(errors, 0.5):G3}, P95 {PairedSpeedup.Quantile(errors, 0.95):G3}, max {errors[^1]:G3}");
        }

        if (IndicatorSpread is { } spread)
        {
            text.Append(c, $"; indicator {spread}");
        }

        if (NonFinite is { } found)
        {
            text.Append(c, $"; non-finite features at {found}");
        }

        return text.ToString();
    }

    internal void Record(int step, bool full) => (full ? fullSteps : forecastSteps).Add(step);

    internal void Shadow(ShadowError error) => shadowErrors.Add(error);

    internal void Indicator(IndicatorValue value) => indicatorValues.Add(value);

    internal void Memory(long bytes, int items)
    {
        if (bytes > PeakCacheBytes)
        {
            PeakCacheBytes = bytes;
            Items = items;
        }
    }

    internal void Clear()
    {
        fullSteps.Clear();
        forecastSteps.Clear();
        shadowErrors.Clear();
        indicatorValues.Clear();
        NonFinite = null;
        PeakCacheBytes = 0;
        Items = 0;
        BatchItems = 0;
    }
}
