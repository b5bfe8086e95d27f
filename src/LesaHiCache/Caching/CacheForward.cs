using LesaHiCache.Caching.Schedules;
using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// One transformer call's view of a <see cref="CacheSession"/> (one CFG branch of a step), from
/// <see cref="CacheSession.NextForward"/>. A host passes it to <see cref="CachingRunner"/>, which
/// makes every decision through it.
/// </summary>
public sealed class CacheForward
{
    private readonly CacheSession session;

    internal CacheForward(CacheSession session, int branch)
    {
        this.session = session;
        Branch = branch;
    }

    /// <summary>The call within the step (0, or 0 and 1 when CFG halves are separate calls).</summary>
    public int Branch { get; }

    /// <summary>What is cached.</summary>
    public CacheLevel Level => session.Config.Level;

    /// <summary>What the schedule decides from: the runner measures it and reports it before the decision.</summary>
    public StepSignal Signal => session.Config.Schedule.Signal;

    /// <summary>Blocks at the end of the stack that run on every step (<see cref="ICacheSchedule.TrailingBlocks"/>).</summary>
    public int TrailingBlocks => session.Config.Schedule.TrailingBlocks;

    /// <summary>Whether this call computes its items (a full step); known once the signal is reported where the schedule has one.</summary>
    public bool ComputesItems => session.IsFull;

    internal bool IsShadow => session.IsShadowStep;

    internal void ReportSignal(Tensor signal) => session.Report(Branch, signal);

    internal void Observe(CacheItemKey item, Tensor features) => session.Observe(item, features);

    internal Tensor Forecast(CacheItemKey item) => session.Forecast(item);

    internal void AddGatedForecast(CacheItemKey item, Tensor target, Tensor gate, Tensor? known = null) => session.AddGatedForecast(item, target, gate, known);

    internal void ForecastUsed(CacheItemKey item, Tensor forecast) => session.ForecastUsed(item, forecast);

    internal void RecordShadowError(CacheItemKey item, Tensor forecast, Tensor real) => session.RecordShadowError(item, forecast, real);

    internal CacheItemKey Key(int block, int slot) => new(Branch, block, slot);
}
