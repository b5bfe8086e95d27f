namespace LesaHiCache.Caching;

/// <summary>What one generation's cache did.</summary>
public sealed class CacheStatistics
{
    private readonly List<int> fullSteps = [];
    private readonly List<int> forecastSteps = [];
    private readonly List<ShadowError> shadowErrors = [];

    /// <summary>Steps computed fully.</summary>
    public IReadOnlyList<int> FullSteps => fullSteps;

    /// <summary>Steps forecast.</summary>
    public IReadOnlyList<int> ForecastSteps => forecastSteps;

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

    internal void Record(int step, bool full) => (full ? fullSteps : forecastSteps).Add(step);

    internal void Shadow(ShadowError error) => shadowErrors.Add(error);

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
        NonFinite = null;
        PeakCacheBytes = 0;
        Items = 0;
        BatchItems = 0;
    }
}
