using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;
using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// The cache of one generation at a time: forecaster state, schedule decisions and statistics.
/// <see cref="BeginGeneration"/> resets it; <see cref="EndGeneration"/> releases the cached tensors.
/// Within a step, each transformer call is one CFG branch (0, 1, ...), whose items are kept apart;
/// a batched [null; text] call is one branch holding both halves. The forecaster's state changes once
/// per item per step: <see cref="IFeatureForecaster.Observe"/> on a full step,
/// <see cref="IFeatureForecaster.ObserveForecast"/> on a forecast step (for forecasters that keep
/// their forecasts). Not thread-safe: give every concurrent generation its own session. A generation
/// belongs to the thread that began it; a call from another thread while it runs throws on both
/// threads (the generation's results are invalid) and the session is usable again from the next
/// <see cref="BeginGeneration"/>. Calls outside a generation are errors. Features a full step
/// computes are checked for NaN and infinity (one sum per item) before the forecaster sees them; see
/// <see cref="CacheConfig.OnNonFiniteFeatures"/>.
/// </summary>
public sealed class CacheSession : IDisposable
{
    private readonly IFeatureForecaster forecaster;
    private readonly ICacheObserver? observer;
    private readonly Dictionary<int, Tensor> signalReferences = [];
    private readonly HashSet<CacheItemKey> resolvedThisStep = [];
    private IStepPlanner? planner;
    private IReadOnlyList<double>? times;
    private int step = -1;
    private int branch;
    private bool? stepIsFull;
    private long[]? batchShape;
    private int ownerThread;
    private volatile bool usedByAnotherThread;
    private bool disposed;
    private bool computingFully;

    /// <summary>
    /// Creates a session for <paramref name="config"/>; <paramref name="observer"/>, if given, sees
    /// every computed item.
    /// </summary>
    /// <exception cref="ArgumentException">The level, forecaster and schedule do not work together (see <see cref="CacheMethods"/>).</exception>
    public CacheSession(CacheConfig config, ICacheObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Forecaster is null || config.Schedule is null)
        {
            throw new ArgumentException($"CacheConfig.{(config.Forecaster is null ? nameof(CacheConfig.Forecaster) : nameof(CacheConfig.Schedule))} is null.", nameof(config));
        }

        if (!Enum.IsDefined(config.OnNonFiniteFeatures))
        {
            throw new ArgumentException($"Unknown CacheConfig.OnNonFiniteFeatures {config.OnNonFiniteFeatures}.", nameof(config));
        }

        Config = config;
        forecaster = config.Forecaster() ?? throw new ArgumentException("The forecaster factory returned null.", nameof(config));
        try
        {
            CacheMethods.EnsureSupported(config.Level, forecaster, config.Schedule);
        }
        catch
        {
            forecaster.Dispose();
            throw;
        }

        this.observer = observer;
    }

    /// <summary>The configuration.</summary>
    public CacheConfig Config { get; }

    /// <summary>The last (or current) generation's statistics.</summary>
    public CacheStatistics Statistics { get; } = new();

    /// <summary>
    /// Starts a generation of <paramref name="images"/> images over <paramref name="sampleTimes"/>
    /// (t_0 = 1 .. t_S = 0), dropping all previous state. <paramref name="cfg"/> says how the sampler
    /// evaluates CFG (forecasters that treat the unconditional rows apart, like LESA's per-half
    /// experts, need it). <paramref name="model"/> is the model the generation runs on: forecasters
    /// bound to a model (LESA) check it and refuse to run without it.
    /// </summary>
    public void BeginGeneration(IReadOnlyList<double> sampleTimes, long images, CfgLayout cfg, ModelIdentity? model = null)
    {
        ArgumentNullException.ThrowIfNull(sampleTimes);
        ObjectDisposedException.ThrowIf(disposed, this);
        var current = Environment.CurrentManagedThreadId;
        var owner = Interlocked.CompareExchange(ref ownerThread, current, 0);
        if (owner != 0 && owner != current)
        {
            throw UsedByAnotherThread(owner);
        }

        usedByAnotherThread = false;
        if (Config.Schedule is IModelBoundSchedule bound)
        {
            bound.EnsureModel(model);
        }

        var newPlanner = Config.Schedule.Begin(sampleTimes);
        Release();
        Statistics.Clear();
        times = sampleTimes;
        planner = newPlanner;
        var generation = new GenerationInfo(sampleTimes, planner.WarmupSteps, cfg) { Model = model, FullSteps = PlannedSchedule.FullStepsOf(Config.Schedule, sampleTimes) };
        forecaster.BeginGeneration(generation);
        observer?.BeginGeneration(generation);
        step = -1;
        batchShape = null;
        computingFully = false;
        Statistics.BatchItems = images;
    }

    /// <summary>Starts step <paramref name="index"/> (steps must come in order).</summary>
    public void BeginStep(int index)
    {
        EnsureInGeneration();
        if (index != step + 1 || index >= times!.Count - 1)
        {
            throw new InvalidOperationException($"Step {index} out of order (last step {step}, {times!.Count - 1} steps).");
        }

        step = index;
        branch = 0;
        resolvedThisStep.Clear();
        if (computingFully)
        {
            stepIsFull = true;
            Decided(true);
        }
        else if (Config.Schedule.Signal.IsNone)
        {
            Decide(null);
        }
        else
        {
            stepIsFull = null;
        }
    }

    /// <summary>The view of the cache for the next transformer call of this step (the next CFG branch); hand it to <see cref="CachingRunner"/>.</summary>
    public CacheForward NextForward(long[] latentShape)
    {
        ArgumentNullException.ThrowIfNull(latentShape);
        EnsureInGeneration();
        if (step < 0)
        {
            throw new InvalidOperationException("Call BeginStep before the transformer runs.");
        }

        if (branch == 0)
        {
            if (batchShape is null)
            {
                batchShape = latentShape;
            }
            else if (!batchShape.SequenceEqual(latentShape))
            {
                throw new InvalidOperationException(
                    $"The latent shape changed within a generation ([{string.Join(", ", batchShape)}] to [{string.Join(", ", latentShape)}]): start a new generation (BeginGeneration) for another batch size or resolution.");
            }
        }

        return new CacheForward(this, branch++);
    }

    /// <summary>Ends the generation: releases the cached tensors (statistics stay); later calls need a new <see cref="BeginGeneration"/>.</summary>
    public void EndGeneration()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var owner = Volatile.Read(ref ownerThread);
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
        {
            throw UsedByAnotherThread(owner);
        }

        Statistics.Memory(forecaster.StateBytes, forecaster.ItemCount);
        Release();
        planner = null;
        times = null;
        step = -1;
        Volatile.Write(ref ownerThread, 0);
    }

    /// <summary>The level, forecaster and schedule, where the session stands, and the statistics.</summary>
    public override string ToString()
    {
        var where = disposed ? "disposed" : times is null ? "between generations" : $"step {step} of {times.Count - 1}";
        return $"CacheSession({Config.Level.ToString().ToLowerInvariant()}, {forecaster.Name}, {Config.Schedule.Name}; {where}): {Statistics}";
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Release();
        forecaster.Dispose();
    }

    internal bool IsFull => stepIsFull ?? throw new InvalidOperationException("The first block's residual must be reported before cached items are asked for.");

    internal bool IsShadowStep => !IsFull && Config.ShadowSteps?.Contains(step) == true;

    internal bool ForecasterObservesForecasts => forecaster.ObservesForecasts;

    private StepPosition Position => new(step, times![step], times.Count - 1);

    internal void Observe(CacheItemKey item, Tensor features)
    {
        EnsureOwner();
        if (!IsFull)
        {
            throw new InvalidOperationException($"'{item}' is forecast on step {step}, not computed.");
        }

        Resolved(item);
        if (!computingFully && !FiniteCheck.AllFinite(features))
        {
            NonFiniteFound(item, features);
        }

        if (!computingFully)
        {
            forecaster.Observe(item, features, Position);
        }

        observer?.Computed(item, features, Position);
        Statistics.Memory(forecaster.StateBytes, forecaster.ItemCount);
    }

    internal Tensor Forecast(CacheItemKey item)
    {
        EnsureOwner();
        EnsureForecastStep(item);
        return forecaster.Forecast(item, Position);
    }

    /// <summary>
    /// target += gate * forecast of <paramref name="item"/>. A forecaster that keeps its forecasts gets
    /// the tensor that was added: <paramref name="known"/> when given (a shadow step's compared
    /// forecast), else one made here; the others add theirs without materialising it.
    /// </summary>
    internal void AddGatedForecast(CacheItemKey item, Tensor target, Tensor gate, Tensor? known = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(gate);
        EnsureForecastStep(item);
        if (!forecaster.ObservesForecasts)
        {
            Resolved(item);
            forecaster.AddScaledForecast(item, Position, target, gate);
            return;
        }

        using var made = known is null ? forecaster.Forecast(item, Position) : null;
        var forecast = known ?? made!;
        using (no_grad())
        {
            target.addcmul_(gate, forecast, Scalars.One);
        }

        ForecastUsed(item, forecast);
    }

    internal void ForecastUsed(CacheItemKey item, Tensor forecast)
    {
        EnsureForecastStep(item);
        Resolved(item);
        if (forecaster.ObservesForecasts)
        {
            forecaster.ObserveForecast(item, forecast, Position);
            Statistics.Memory(forecaster.StateBytes, forecaster.ItemCount);
        }
    }

    internal void RecordShadowError(CacheItemKey item, Tensor forecast, Tensor real)
    {
        using var _ = no_grad();
        using var error = (forecast - real).abs().mean() / real.abs().mean().clamp_min(Scalars.Tiny);
        Statistics.Shadow(new ShadowError(step, item, error.item<float>()));
    }

    /// <summary>
    /// A call's signal (<see cref="ICacheSchedule.Signal"/>): its relative L1 change against the
    /// branch's reference decides the step on branch 0; the signal then becomes the reference (on every
    /// step, or on full steps only, as the signal says).
    /// </summary>
    internal void Report(int forwardBranch, Tensor signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        EnsureOwner();
        using var _ = no_grad();
        double? change = null;
        if (signalReferences.TryGetValue(forwardBranch, out var previous))
        {
            using var difference = (signal - previous).abs().mean() / previous.abs().mean().clamp_min(Scalars.Tiny);
            change = difference.item<float>();
            if (!double.IsFinite(change.Value))
            {
                // A NaN or infinite change (a non-finite item anywhere in the batch) never reaches a
                // threshold: treat it as "unknown", which computes the step fully.
                if (Config.Logger is { } logger)
                {
                    CacheLog.NonFiniteChange(logger, step);
                }

                change = null;
            }
        }

        if (forwardBranch == 0 && stepIsFull is null)
        {
            Decide(change);
        }

        if (IsFull || Config.Schedule.Signal.ComparedWith == SignalReference.PreviousStep)
        {
            previous?.Dispose();
            signalReferences[forwardBranch] = signal.detach().clone().DetachFromDisposeScope();
        }
    }

    /// <summary>Applies <see cref="CacheConfig.OnNonFiniteFeatures"/> to features found not finite.</summary>
    private void NonFiniteFound(CacheItemKey item, Tensor features)
    {
        var found = new NonFiniteFeatures(step, item, FiniteCheck.NonFiniteRows(features));
        Statistics.NonFinite = found;
        if (Config.OnNonFiniteFeatures == NonFinitePolicy.Throw)
        {
            throw new NonFiniteFeaturesException(found);
        }

        if (Config.Logger is { } logger)
        {
            CacheLog.NonFiniteFeatures(logger, found);
        }

        forecaster.Reset();
        computingFully = true;
    }

    private void EnsureInGeneration()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (planner is null || times is null)
        {
            throw new InvalidOperationException("The session is not in a generation (BeginGeneration was not called, or EndGeneration already was): call BeginGeneration first; the sampler does.");
        }

        EnsureOwner();
    }

    /// <summary>Throws when this generation is used from a thread other than the one that began it, or was.</summary>
    private void EnsureOwner()
    {
        var owner = Volatile.Read(ref ownerThread);
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
        {
            throw UsedByAnotherThread(owner);
        }

        if (usedByAnotherThread)
        {
            throw new InvalidOperationException("Another thread used this CacheSession during this generation, so its results are invalid: give every concurrent generation its own session, and begin a new generation.");
        }
    }

    private InvalidOperationException UsedByAnotherThread(int owner)
    {
        usedByAnotherThread = true;
        return new InvalidOperationException(
            $"This CacheSession is in a generation on thread {owner} and was called from thread {Environment.CurrentManagedThreadId}: a session serves one generation at a time; give every concurrent generation its own session.");
    }

    private void EnsureForecastStep(CacheItemKey item)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"'{item}' is computed on step {step}, not forecast.");
        }
    }

    /// <summary>Enforces the contract that an item's state changes once per step.</summary>
    private void Resolved(CacheItemKey item)
    {
        if (!resolvedThisStep.Add(item))
        {
            throw new InvalidOperationException($"'{item}' was resolved twice in step {step}: each block of a call must have its own index.");
        }
    }

    private void Release()
    {
        forecaster.Reset();
        foreach (var reference in signalReferences.Values)
        {
            reference.Dispose();
        }

        signalReferences.Clear();
        resolvedThisStep.Clear();
    }

    /// <summary>The planner decides the step; the value it compared, if any, goes to the statistics.</summary>
    private void Decide(double? signalChange)
    {
        var full = planner!.IsFullStep(step, signalChange);
        stepIsFull = full;
        if (planner.LastIndicator is double indicator)
        {
            Statistics.Indicator(new IndicatorValue(step, indicator));
        }

        Decided(full);
    }

    private void Decided(bool full)
    {
        Statistics.Record(step, full);
        if (Config.Logger is { } logger)
        {
            CacheLog.Decision(logger, step, full ? "full" : "forecast", forecaster.Name, Config.Schedule.Name);
        }
    }
}
