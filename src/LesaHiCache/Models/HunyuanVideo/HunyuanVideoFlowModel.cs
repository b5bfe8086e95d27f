using LesaHiCache.Caching;
using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>
/// Adapts a <see cref="HunyuanVideoTransformer"/> to the sampler for clips of
/// <paramref name="framesTokens"/> x <paramref name="heightTokens"/> x <paramref name="widthTokens"/>
/// packed tokens (<see cref="HunyuanVideoPacking"/>): the text conditioning's tokens are the text
/// encoder's features and its pooled vector the CLIP one; the embedded (distilled) guidance is
/// <paramref name="distilledGuidance"/> (the pipeline's default 6), so no CFG pass is needed. With a
/// <see cref="CacheSession"/> the transformer skips its cached parts on the steps the session forecasts.
/// </summary>
public sealed class HunyuanVideoFlowModel(HunyuanVideoTransformer transformer, int framesTokens, int heightTokens, int widthTokens, double distilledGuidance = 6.0, CacheSession? cache = null) : IFlowModel, IDisposable
{
    private readonly RotaryTableCache rope = new();

    /// <summary>The wrapped transformer.</summary>
    public HunyuanVideoTransformer Transformer { get; } = transformer;

    /// <summary>The feature cache, if caching is on.</summary>
    public CacheSession? Cache { get; } = cache;

    /// <inheritdoc />
    public void BeginGeneration(IReadOnlyList<double> times, long batch, CfgLayout cfg) =>
        Cache?.BeginGeneration(times, batch, cfg, ModelIdentity.Of(Transformer));

    /// <inheritdoc />
    public void BeginStep(int step) => Cache?.BeginStep(step);

    /// <inheritdoc />
    public void EndGeneration() => Cache?.EndGeneration();

    /// <inheritdoc />
    public Tensor Velocity(Tensor latents, Tensor time, TextConditioning text)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(text);
        using var scope = NewDisposeScope();
        using var value = Scalars.Of(distilledGuidance);
        var guidance = Transformer.Config.GuidanceEmbeds ? full(latents.shape[0], value, ScalarType.Float32, latents.device) : null;
        var input = new HunyuanVideoTransformerInput(latents, text.Tokens, text.Pooled, time, guidance, rope.For(text.Tokens.shape[1], RopeFor), Cache?.NextForward(latents.shape));
        return Transformer.forward(input).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => rope.Dispose();

    private RotaryTables RopeFor(long textLength) => Transformer.RotaryTablesFor((int)textLength, framesTokens, heightTokens, widthTokens);
}
