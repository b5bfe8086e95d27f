using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// The cache of one generation at a time: forecaster state, schedule decisions and statistics.
/// <see cref="BeginGeneration"/> resets it; <see cref="EndGeneration"/> releases the cached tensors.
/// Within a step, each transformer call is one CFG branch (0, 1, ...), whose items are kept apart;
/// a batched [null; text] call is one branch holding both halves. Not thread-safe: give every
/// concurrent generation its own session.
/// </summary>
public sealed class CacheSession : IDisposable
{
    private readonly IFeatureForecaster forecaster;
    private readonly Dictionary<int, Tensor> lastFullResiduals = [];
    private IStepPlanner? planner;
    private IReadOnlyList<double>? times;
    private int step = -1;
    private int branch;
    private bool? stepIsFull;
    private long[]? batchShape;

    /// <summary>Creates a session for <paramref name="config"/>.</summary>
    public CacheSession(CacheConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        forecaster = config.Forecaster() ?? throw new ArgumentException("The forecaster factory returned null.", nameof(config));
    }

    /// <summary>The configuration.</summary>
    public CacheConfig Config { get; }

    /// <summary>The last (or current) generation's statistics.</summary>
    public CacheStatistics Statistics { get; } = new();

    /// <summary>
    /// Starts a generation of <paramref name="images"/> images over <paramref name="sampleTimes"/>
    /// (t_0 = 1 .. t_S = 0), dropping all previous state. <paramref name="cfg"/> says how the sampler
    /// evaluates CFG (forecasters that treat the unconditional rows apart, like LESA's per-half
    /// experts, need it).
    /// </summary>
    public void BeginGeneration(IReadOnlyList<double> sampleTimes, long images, CfgLayout cfg)
    {
        ArgumentNullException.ThrowIfNull(sampleTimes);
        Release();
        Statistics.Clear();
        times = sampleTimes;
        planner = Config.Schedule.Begin(sampleTimes);
        forecaster.BeginGeneration(new GenerationInfo(sampleTimes, planner.WarmupSteps, cfg));
        step = -1;
        batchShape = null;
        Statistics.BatchItems = images;
    }

    /// <summary>Starts step <paramref name="index"/> (steps must come in order).</summary>
    public void BeginStep(int index)
    {
        if (planner is null || times is null)
        {
            throw new InvalidOperationException("Call BeginGeneration before the first step.");
        }

        if (index != step + 1 || index >= times.Count - 1)
        {
            throw new InvalidOperationException($"Step {index} out of order (last step {step}, {times.Count - 1} steps).");
        }

        step = index;
        branch = 0;
        stepIsFull = Config.Schedule.UsesFirstBlockSignal ? null : planner.IsFullStep(step);
        if (stepIsFull is bool full)
        {
            Decided(full);
        }
    }

    /// <summary>The view of the cache for the next transformer call of this step (the next CFG branch).</summary>
    public ITransformerCacheStep NextForward(long[] latentShape)
    {
        ArgumentNullException.ThrowIfNull(latentShape);
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

        return new Forward(this, branch++);
    }

    /// <summary>Releases the cached tensors (statistics stay).</summary>
    public void EndGeneration()
    {
        Statistics.Memory(forecaster.StateBytes, forecaster.ItemCount);
        Release();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Release();
        forecaster.Dispose();
    }

    private void Release()
    {
        forecaster.Reset();
        foreach (var residual in lastFullResiduals.Values)
        {
            residual.Dispose();
        }

        lastFullResiduals.Clear();
    }

    private void Decided(bool full)
    {
        Statistics.Record(step, full);
        if (Config.Logger is { } logger)
        {
            CacheLog.Decision(logger, step, full ? "full" : "forecast", forecaster.Name, Config.Schedule.Name);
        }
    }

    private StepPosition Position => new(step, times![step], times.Count - 1);

    private bool IsFull => stepIsFull ?? throw new InvalidOperationException("The first block's residual must be reported before cached items are asked for.");

    private bool IsShadowStep => Config.ShadowSteps?.Contains(step) == true;

    private Tensor Resolve(int forwardBranch, string key, Func<Tensor> compute)
    {
        var item = new CacheItemKey(forwardBranch, key);
        if (IsFull)
        {
            var value = compute();
            forecaster.Observe(item, value, Position);
            Statistics.Memory(forecaster.StateBytes, forecaster.ItemCount);
            return value;
        }

        var forecast = forecaster.Forecast(item, Position);
        if (IsShadowStep)
        {
            using var real = compute();
            RecordShadowError(item, forecast, real);
        }

        return forecast;
    }

    /// <summary>A shadow step's real computation: <paramref name="compute"/>'s value, after recording the forecast's error against it.</summary>
    private Tensor ComputeAndCompare(int forwardBranch, string key, Func<Tensor> compute)
    {
        var item = new CacheItemKey(forwardBranch, key);
        var real = compute();
        using var forecast = forecaster.Forecast(item, Position);
        RecordShadowError(item, forecast, real);
        return real;
    }

    private void RecordShadowError(CacheItemKey item, Tensor forecast, Tensor real)
    {
        using var _ = no_grad();
        using var error = (forecast - real).abs().mean() / real.abs().mean().clamp_min(1e-12);
        Statistics.Shadow(new ShadowError(step, item, error.item<float>()));
    }

    private void AddGatedForecast(int forwardBranch, string key, Tensor target, Tensor gate)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(gate);
        if (IsFull)
        {
            throw new InvalidOperationException($"'{key}' is computed on step {step}, not forecast.");
        }

        forecaster.AddScaledForecast(new CacheItemKey(forwardBranch, key), Position, target, gate);
    }

    private void Report(int forwardBranch, Tensor residual)
    {
        using var _ = no_grad();
        double? change = null;
        if (lastFullResiduals.TryGetValue(forwardBranch, out var previous))
        {
            using var difference = (residual - previous).abs().mean() / previous.abs().mean().clamp_min(1e-12);
            change = difference.item<float>();
        }

        if (forwardBranch == 0 && stepIsFull is null)
        {
            stepIsFull = planner!.IsFullStep(step, change);
            Decided(stepIsFull.Value);
        }

        if (IsFull)
        {
            previous?.Dispose();
            lastFullResiduals[forwardBranch] = residual.detach().clone().DetachFromDisposeScope();
        }
    }

    private sealed class Forward(CacheSession session, int branch) : ITransformerCacheStep
    {
        public CacheLevel Level => session.Config.Level;

        public bool NeedsFirstBlockSignal => session.Config.Schedule.UsesFirstBlockSignal;

        public bool ComputesItems => session.IsFull;

        public IFeatureCacheStep? Shadow => !session.IsFull && session.IsShadowStep ? new ShadowForward(session, branch) : null;

        public void ReportFirstBlockResidual(Tensor residual)
        {
            ArgumentNullException.ThrowIfNull(residual);
            session.Report(branch, residual);
        }

        public Tensor Item(string key, Func<Tensor> compute) => session.Resolve(branch, key, compute);

        public void AddGatedForecast(string key, Tensor target, Tensor gate) => session.AddGatedForecast(branch, key, target, gate);

    }

    /// <summary>The real computation of a shadow step: items are computed, compared with their forecasts and returned.</summary>
    private sealed class ShadowForward(CacheSession session, int branch) : IFeatureCacheStep
    {
        public bool ComputesItems => true;

        public Tensor Item(string key, Func<Tensor> compute)
        {
            ArgumentNullException.ThrowIfNull(compute);
            return session.ComputeAndCompare(branch, key, compute);
        }
    }
}
