using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>Granularity of what is cached (docs/algorithms.md, section 2).</summary>
public enum CacheLevel
{
    /// <summary>Each block's branch outputs before their gates (attention and MLP of both streams; the fused single-stream projection).</summary>
    Module,

    /// <summary>The image hidden state after the last block: no block runs on a forecast step.</summary>
    Model,

    /// <summary>The residual block(x) - x of every block of a block list (the generic adapter).</summary>
    Block,
}

/// <summary>
/// What a model's blocks ask during one forward: on a full step <see cref="Item"/> computes (and
/// the cache records the result); on a forecast step it returns the forecast without computing.
/// </summary>
public interface IFeatureCacheStep
{
    /// <summary>
    /// Whether this forward computes its items (a full step). When false, blocks may skip work that
    /// only the skipped computations need (e.g. the shift and scale of their modulation).
    /// </summary>
    bool ComputesItems { get; }

    /// <summary>
    /// The value of cached item <paramref name="key"/>: computed, or forecast (on a shadow step it is
    /// computed as well, to record the forecast's error, and the forecast is returned).
    /// </summary>
    Tensor Item(string key, Func<Tensor> compute);

    /// <summary>
    /// On a forecast step (<see cref="ComputesItems"/> false): <paramref name="target"/> +=
    /// <paramref name="gate"/> * forecast of <paramref name="key"/>, in place. Implementations may
    /// skip materialising the forecast; this default asks <see cref="Item"/> for it.
    /// </summary>
    /// <exception cref="InvalidOperationException">This step computes its items.</exception>
    void AddGatedForecast(string key, Tensor target, Tensor gate)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(gate);
        if (ComputesItems)
        {
            throw new InvalidOperationException($"'{key}' is computed on this step, not forecast.");
        }

        using var forecast = Item(key, () => throw new InvalidOperationException($"A forecast step computed '{key}'."));
        target.addcmul_(gate, forecast, 1);
    }
}

/// <summary>A transformer forward's view of the cache: the level, and the decision for this step.</summary>
public interface ITransformerCacheStep : IFeatureCacheStep
{
    /// <summary>What is cached.</summary>
    CacheLevel Level { get; }

    /// <summary>Whether the first block must run and report its residual before the decision (adaptive schedules).</summary>
    bool NeedsFirstBlockSignal { get; }

    /// <summary>Reports the first block's image-stream residual; the step's decision is made from it.</summary>
    void ReportFirstBlockResidual(Tensor residual);

    /// <summary>
    /// On a shadow step (a forecast step named in <see cref="CacheConfig.ShadowSteps"/>): a view that
    /// computes every item, records each forecast's error against it and returns the computed value.
    /// A model that forecasts through <see cref="IFeatureCacheStep.AddGatedForecast"/> runs its blocks
    /// once more with it, so that the generation itself is the same as without shadowing. Null on
    /// other steps.
    /// </summary>
    IFeatureCacheStep? Shadow { get; }
}

/// <summary>No caching: every item is computed.</summary>
public sealed class NoFeatureCache : IFeatureCacheStep
{
    /// <summary>The instance.</summary>
    public static NoFeatureCache Instance { get; } = new();

    private NoFeatureCache()
    {
    }

    /// <inheritdoc />
    public bool ComputesItems => true;

    /// <inheritdoc />
    public Tensor Item(string key, Func<Tensor> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        return compute();
    }
}
