using LesaHiCache.Caching;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Adapts a <see cref="FluxTransformer"/> to the sampler for images of
/// <paramref name="heightTokens"/> x <paramref name="widthTokens"/> packed tokens: builds FLUX's
/// position ids (text: zeros; image: (0, row, col)) and passes the distilled guidance value for
/// models that embed one. With a <see cref="CacheSession"/> the transformer skips its cached parts on
/// the forecast steps the session decides.
/// </summary>
public sealed class FluxFlowModel(FluxTransformer transformer, int heightTokens, int widthTokens, double distilledGuidance = 3.5, CacheSession? cache = null) : IFlowModel, IDisposable
{
    private readonly Tensor imageIds = FluxPositions.ImageIds(heightTokens, widthTokens, transformer.parameters().First().device).DetachFromDisposeScope();
    private readonly Dictionary<long, (Tensor TextIds, RotaryTables Rope)> positions = [];
    private readonly ScalarType dtype = transformer.parameters().First().dtype;

    /// <summary>The wrapped transformer.</summary>
    public FluxTransformer Transformer { get; } = transformer;

    /// <summary>The feature cache, if caching is on.</summary>
    public CacheSession? Cache { get; } = cache;

    /// <inheritdoc />
    public void BeginGeneration(IReadOnlyList<double> times, long batch) => Cache?.BeginGeneration(times, batch);

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
        var batch = latents.shape[0];
        var (textIds, rope) = Positions(text.Tokens.shape[1]);
        var guidance = Transformer.Config.GuidanceEmbeds ? full(batch, distilledGuidance, ScalarType.Float32, latents.device) : null;
        var input = new FluxTransformerInput(latents.to_type(dtype), text.Tokens, text.Pooled, time, imageIds, textIds, guidance, Cache?.NextForward(latents.shape), rope);
        return Transformer.forward(input).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Text ids and RoPE tables for a text length, kept for the adapter's lifetime (positions never change).</summary>
    private (Tensor TextIds, RotaryTables Rope) Positions(long textTokens)
    {
        if (!positions.TryGetValue(textTokens, out var entry))
        {
            var textIds = zeros(textTokens, imageIds.shape[1], ScalarType.Int64, imageIds.device).DetachFromDisposeScope();
            var rope = Transformer.RotaryTablesFor(textIds, imageIds);
            rope.Cos.DetachFromDisposeScope();
            rope.Sin.DetachFromDisposeScope();
            entry = (textIds, rope);
            positions[textTokens] = entry;
        }

        return entry;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        imageIds.Dispose();
        foreach (var (textIds, rope) in positions.Values)
        {
            textIds.Dispose();
            rope.Dispose();
        }

        positions.Clear();
    }
}
