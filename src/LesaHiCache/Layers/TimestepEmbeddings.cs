using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>Sinusoidal timestep features (diffusers <c>Timesteps(256, flip_sin_to_cos=True, shift=0)</c>).</summary>
public static class SinusoidalEmbedding
{
    /// <summary>[B] timesteps to [B, channels] float32 features: cos then sin of t * 10000^(-i / (channels/2)).</summary>
    public static Tensor Compute(Tensor timesteps, int channels = 256, double maxPeriod = 10000.0)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        using var scope = NewDisposeScope();
        var half = channels / 2;
        var exponent = arange(0, half, ScalarType.Float32, timesteps.device) * (-Math.Log(maxPeriod) / half);
        var arguments = timesteps.to_type(ScalarType.Float32).unsqueeze(1) * exp(exponent).unsqueeze(0);
        return cat([cos(arguments), sin(arguments)], dim: -1).MoveToOuterDisposeScope();
    }
}

/// <summary>Two-layer MLP with SiLU between: keys <c>linear_1</c>, <c>linear_2</c>.</summary>
public sealed class MlpEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly LinearLayer linear_1;
    private readonly LinearLayer linear_2;

    /// <summary>Creates the embedding inDim -> dim -> dim.</summary>
    public MlpEmbedding(long inDim, long dim, ModuleBuild build) : base(nameof(MlpEmbedding))
    {
        linear_1 = new LinearLayer(inDim, dim, build);
        linear_2 = new LinearLayer(dim, dim, build);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var hidden = linear_1.call(input);
        using var activated = nn.functional.silu(hidden);
        return linear_2.call(activated);
    }
}

/// <summary>
/// FLUX conditioning vector (diffusers <c>CombinedTimestep[Guidance]TextProjEmbeddings</c>):
/// MLP(sinusoid(1000 t)) [+ MLP(sinusoid(1000 g))] + MLP(pooled text).
/// </summary>
public sealed class CombinedTimestepTextEmbedding : nn.Module<Tensor, Tensor?, Tensor, Tensor>
{
    private const int TimeChannels = 256;
    private readonly MlpEmbedding timestep_embedder;
    private readonly MlpEmbedding? guidance_embedder;
    private readonly MlpEmbedding text_embedder;

    /// <summary>Creates the embedding.</summary>
    public CombinedTimestepTextEmbedding(long dim, long pooledDim, bool withGuidance, ModuleBuild build)
        : base(nameof(CombinedTimestepTextEmbedding))
    {
        timestep_embedder = new MlpEmbedding(TimeChannels, dim, build);
        guidance_embedder = withGuidance ? new MlpEmbedding(TimeChannels, dim, build) : null;
        text_embedder = new MlpEmbedding(pooledDim, dim, build);
        RegisterComponents();
    }

    /// <summary>Whether a guidance value is part of the conditioning.</summary>
    public bool UsesGuidance => guidance_embedder is not null;

    /// <summary>timestep and guidance are [B] already scaled by 1000; pooled is [B, pooledDim].</summary>
    public override Tensor forward(Tensor timestep, Tensor? guidance, Tensor pooled)
    {
        using var scope = NewDisposeScope();
        var dtype = pooled.dtype;
        var embedding = Embed(timestep_embedder, timestep, dtype);
        if (guidance_embedder is not null)
        {
            embedding += Embed(guidance_embedder, RequireGuidance(guidance), dtype);
        }

        return (embedding + text_embedder.forward(pooled)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The vector of every (timestep, item) pair, [S, B, dim], from timesteps [S] and guidance [B]
    /// (both already scaled by 1000) and pooled [B, pooledDim]: entry [s, b] is what
    /// <see cref="forward"/> gives item b at timestep s, summed in the same order. The timestep MLP
    /// runs once per timestep and the text MLP once per item.
    /// </summary>
    public Tensor Table(Tensor timesteps, Tensor? guidance, Tensor pooled)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        ArgumentNullException.ThrowIfNull(pooled);
        using var scope = NewDisposeScope();
        var dtype = pooled.dtype;
        var embedding = Embed(timestep_embedder, timesteps, dtype).unsqueeze(1);
        if (guidance_embedder is not null)
        {
            embedding = embedding + Embed(guidance_embedder, RequireGuidance(guidance), dtype).unsqueeze(0);
        }

        return (embedding + text_embedder.forward(pooled).unsqueeze(0)).MoveToOuterDisposeScope();
    }

    private static Tensor Embed(MlpEmbedding embedder, Tensor scaledValues, ScalarType dtype) =>
        embedder.forward(SinusoidalEmbedding.Compute(scaledValues, TimeChannels).to_type(dtype));

    private static Tensor RequireGuidance(Tensor? guidance) =>
        guidance ?? throw new ArgumentException("This model embeds a guidance scale: pass a guidance tensor.", nameof(guidance));
}
