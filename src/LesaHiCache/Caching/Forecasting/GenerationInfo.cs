using LesaHiCache.Sampling;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// What a forecaster learns at the start of a generation: the sampler's times, the warm-up of the
/// schedule and how the sampler evaluates CFG.
/// </summary>
public sealed record GenerationInfo
{
    /// <summary>Creates the description; throws <see cref="ArgumentException"/> on times that are not t_0 .. t_S with S &gt;= 1, or a warm-up below 1.</summary>
    public GenerationInfo(IReadOnlyList<double> times, int warmupSteps, CfgLayout cfg)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count < 2)
        {
            throw new ArgumentException("A generation needs at least one step (two times).", nameof(times));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(warmupSteps, 1);
        if (!Enum.IsDefined(cfg))
        {
            throw new ArgumentOutOfRangeException(nameof(cfg), cfg, "Unknown CFG layout.");
        }

        Times = times;
        WarmupSteps = warmupSteps;
        Cfg = cfg;
    }

    /// <summary>The sampler's times t_0 = 1 .. t_S = 0.</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>
    /// W: the steps 0..W-1 that the schedule computes fully before its first forecast (at least 1).
    /// The reference difference ladder forms no difference before step W - 1 (docs/algorithms.md, section 3).
    /// </summary>
    public int WarmupSteps { get; }

    /// <summary>How the sampler evaluates CFG: which rows or calls are unconditional.</summary>
    public CfgLayout Cfg { get; }

    /// <summary>
    /// The model the generation runs on (null when the host did not say): forecasters bound to a model
    /// check it. <see cref="CacheSession"/> hosts such as <c>FluxFlowModel</c> pass it.
    /// </summary>
    public ModelIdentity? Model { get; init; }

    /// <summary>The schedule's full steps in order, when it knows them in advance (null for adaptive schedules).</summary>
    public IReadOnlyList<int>? FullSteps { get; init; }

    /// <summary>Sampler steps S.</summary>
    public int Steps => Times.Count - 1;

    /// <summary>A generation over <paramref name="times"/> with warm-up 1 (differences from the first step on) and no CFG.</summary>
    public static GenerationInfo Plain(IReadOnlyList<double> times) => new(times, 1, CfgLayout.None);

    private bool PrintMembers(System.Text.StringBuilder builder) => Printed.Members(this, builder);
}
