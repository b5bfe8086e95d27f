using LesaHiCache.Caching;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Model;

/// <summary>
/// The sampling that the image and the video shapes models share once their prompts are checked:
/// text and null conditioning, the cache session (given or made from the options), seeded or given
/// noise, and the flow-matching Euler sampler with CFG.
/// </summary>
internal static class ShapesSampling
{
    /// <summary>Samples packed tokens [B, tokens, channels] (owned by the caller's dispose scope).</summary>
    /// <param name="encode">The model's prompt encoder ("" is the null condition).</param>
    /// <param name="flowFor">The model's flow adapter over its transformer, with the given cache session.</param>
    /// <param name="tokenShape">Tokens and channels of one item.</param>
    /// <param name="device">Where the noise is drawn.</param>
    /// <param name="prompts">Checked prompts, one item each.</param>
    /// <param name="seeds">One noise seed per prompt.</param>
    /// <param name="options">Steps, shift and caching.</param>
    /// <param name="guidance">The CFG scale (the options' or the model's default).</param>
    /// <param name="onStep">Called after every sampler step.</param>
    /// <param name="cache">A session to use instead of one made from <see cref="ShapesGenerationOptions.Cache"/>.</param>
    /// <param name="noise">Initial noise to start from instead of the seeds'.</param>
    /// <param name="cancellation">Stops between steps.</param>
    public static Tensor Sample(
        Func<IReadOnlyList<string>, TextConditioning> encode,
        Func<CacheSession?, IFlowModel> flowFor,
        long[] tokenShape,
        Device device,
        IReadOnlyList<string> prompts,
        IReadOnlyList<long> seeds,
        ShapesGenerationOptions options,
        double guidance,
        Action<SamplerStep>? onStep,
        CacheSession? cache,
        Tensor? noise,
        CancellationToken cancellation)
    {
        if (noise is not null && !noise.shape.SequenceEqual([prompts.Count, .. tokenShape]))
        {
            throw new ArgumentException($"Noise must be [{prompts.Count}, {string.Join(", ", tokenShape)}], got [{string.Join(", ", noise.shape)}].", nameof(noise));
        }

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var text = encode(prompts);
        var nullText = guidance == 1.0 ? null : encode([""]);
        using var ownCache = cache is null && options.Cache is not null ? new CacheSession(options.Cache) : null;
        var flow = flowFor(cache ?? ownCache);
        try
        {
            var start = noise is null ? SeededNoise.Draw(seeds, tokenShape, device) : noise.to(device);
            var sampler = new SamplerOptions { Steps = options.Steps, Shift = options.Shift, GuidanceScale = guidance, NullText = nullText };
            return FlowMatchEulerSampler.Sample(flow, text, start, sampler, onStep, cancellation).MoveToOuterDisposeScope();
        }
        finally
        {
            (flow as IDisposable)?.Dispose();
        }
    }
}
