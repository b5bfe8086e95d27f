using LesaHiCache.Caching;
using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// Adapts a <see cref="FluxTransformer"/> to the sampler for images of
/// <paramref name="heightTokens"/> x <paramref name="widthTokens"/> packed tokens: builds FLUX's
/// position ids (text: zeros; image: (0, row, col)) and passes the distilled guidance value for
/// models that embed one. With a <see cref="CacheSession"/> the transformer skips its cached parts on
/// the forecast steps the session decides. Within a generation the conditioning vector of every
/// step is computed once, on first use, for each text conditioning the sampler passes: the text
/// conditioning must not change in place while a generation runs.
/// </summary>
public sealed class FluxFlowModel(FluxTransformer transformer, int heightTokens, int widthTokens, double distilledGuidance = 3.5, CacheSession? cache = null) : IFlowModel, IDisposable
{
    private readonly Tensor imageIds = FluxPositions.ImageIds(heightTokens, widthTokens, transformer.parameters().First().device).DetachFromDisposeScope();
    private readonly Dictionary<long, (Tensor TextIds, RotaryTables Rope)> positions = [];
    private readonly ScalarType dtype = transformer.parameters().First().dtype;
    private readonly GenerationConditioning conditioningTables = new((times, text) =>
        transformer.ConditioningTable(times, text.Pooled, Guidance(transformer.Config, distilledGuidance, text.Batch, times.device)));

    /// <summary>The wrapped transformer.</summary>
    public FluxTransformer Transformer { get; } = transformer;

    /// <summary>The feature cache, if caching is on.</summary>
    public CacheSession? Cache { get; } = cache;

    /// <inheritdoc />
    public void BeginGeneration(IReadOnlyList<double> times, long batch, CfgLayout cfg)
    {
        conditioningTables.Begin(times);
        Cache?.BeginGeneration(times, batch, cfg, ModelIdentity.Of(Transformer));
    }

    /// <inheritdoc />
    public void BeginStep(int step) => Cache?.BeginStep(step);

    /// <inheritdoc />
    public void EndGeneration()
    {
        conditioningTables.End();
        Cache?.EndGeneration();
    }

    /// <inheritdoc />
    public Tensor Velocity(Tensor latents, Tensor time, TextConditioning text)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(text);
        return Evaluate(latents, time, text, conditioning: null);
    }

    /// <summary>
    /// Velocity at one flow time for every item. Within a generation, at one of its steps' times and
    /// with gradients off (as the sampler runs), the conditioning vector comes from a table built
    /// once per generation (see <see cref="FluxTransformer.ConditioningTable"/>) instead of from the
    /// time and text MLPs.
    /// </summary>
    public Tensor Velocity(Tensor latents, double time, TextConditioning text)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(text);
        using var scope = NewDisposeScope();
        using var value = Scalars.Of(time);
        var times = full(latents.shape[0], value, ScalarType.Float32, latents.device);
        return Evaluate(latents, times, text, conditioningTables.Lookup(text, time)).MoveToOuterDisposeScope();
    }

    private Tensor Evaluate(Tensor latents, Tensor time, TextConditioning text, Tensor? conditioning)
    {
        using var scope = NewDisposeScope();
        var batch = latents.shape[0];
        var (textIds, rope) = Positions(text.Tokens.shape[1]);
        var guidance = Guidance(Transformer.Config, distilledGuidance, batch, latents.device);
        var input = new FluxTransformerInput(latents.to_type(dtype), text.Tokens, text.Pooled, time, imageIds, textIds, guidance, Cache?.NextForward(latents.shape), rope, conditioning);
        return Transformer.forward(input).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The distilled guidance value for each of <paramref name="batch"/> items, for configs that embed one.</summary>
    private static Tensor? Guidance(FluxTransformerConfig config, double value, long batch, Device device)
    {
        if (!config.GuidanceEmbeds)
        {
            return null;
        }

        using var scalar = Scalars.Of(value);
        return full(batch, scalar, ScalarType.Float32, device);
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
        conditioningTables.Dispose();
        imageIds.Dispose();
        foreach (var (textIds, rope) in positions.Values)
        {
            textIds.Dispose();
            rope.Dispose();
        }

        positions.Clear();
    }
}
