using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>
/// FLUX conditioning vector (diffusers <c>CombinedTimestep[Guidance]TextProjEmbeddings</c>):
/// MLP(sinusoid(1000 t)) [+ MLP(sinusoid(1000 g))] + MLP(pooled text).
/// </summary>
internal sealed class CombinedTimestepTextEmbedding : nn.Module<Tensor, Tensor?, Tensor, Tensor>
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
