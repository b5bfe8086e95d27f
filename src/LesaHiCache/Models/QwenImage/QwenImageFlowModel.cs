using LesaHiCache.Caching;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Models.QwenImage;

/// <summary>
/// Adapts a <see cref="QwenImageTransformer"/> to the sampler for images of
/// <paramref name="heightTokens"/> x <paramref name="widthTokens"/> packed tokens: keeps the RoPE
/// tables of each text length and, with a <see cref="CacheSession"/>, lets the transformer skip its
/// cached parts on the steps the session forecasts. Qwen-Image has no pooled text vector: build the
/// conditioning with <see cref="Text"/>. The pipeline's true CFG with a negative prompt is the
/// sampler's CFG with the negative prompt's features as <see cref="SamplerOptions.NullText"/> and
/// <see cref="CfgCombination.KeepConditionalNorm"/>.
/// </summary>
public sealed class QwenImageFlowModel(QwenImageTransformer transformer, int heightTokens, int widthTokens, CacheSession? cache = null) : IFlowModel, IDisposable
{
    private readonly RotaryTableCache rope = new();

    /// <summary>The wrapped transformer.</summary>
    public QwenImageTransformer Transformer { get; } = transformer;

    /// <summary>The feature cache, if caching is on.</summary>
    public CacheSession? Cache { get; } = cache;

    /// <summary>The conditioning of text encoder token features [B, L, joint_attention_dim] (no pooled vector).</summary>
    public static TextConditioning Text(Tensor tokens) => TextConditioning.TokensOnly(tokens);

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
        var input = new QwenImageTransformerInput(latents, text.Tokens, time, rope.For(text.Tokens.shape[1], RopeFor), Cache?.NextForward(latents.shape));
        return Transformer.forward(input).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => rope.Dispose();

    private RotaryTables RopeFor(long textLength) => Transformer.RotaryTablesFor((int)textLength, heightTokens, widthTokens);
}
