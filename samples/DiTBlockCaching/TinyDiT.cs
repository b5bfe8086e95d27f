using LesaHiCache.Caching;
using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace DiTBlockCaching;

/// <summary>A small DiT over packed latent tokens, conditioned on time and a pooled text vector.</summary>
internal sealed class TinyDiT : nn.Module, IFlowModel
{
    private readonly LinearLayer x_embedder;
    private readonly MlpEmbedding t_embedder;
    private readonly LinearLayer y_embedder;
    private readonly TorchSharp.Modules.ModuleList<DiTBlock> blocks;
    private readonly LinearLayer final_layer;
    private readonly TorchSharp.Modules.Parameter pos_embed;

    public TinyDiT(long channels, long tokens, long dim, long heads, int depth, long conditioningDim, ModuleBuild build) : base(nameof(TinyDiT))
    {
        x_embedder = new LinearLayer(channels, dim, build);
        t_embedder = new MlpEmbedding(256, dim, build);
        y_embedder = new LinearLayer(conditioningDim, dim, build);
        blocks = nn.ModuleList(Enumerable.Range(0, depth).Select(_ => new DiTBlock(dim, heads, build)).ToArray());
        final_layer = new LinearLayer(dim, channels, build);
        pos_embed = build.NewParameter(tokens, dim);
        using (no_grad())
        {
            pos_embed.normal_(0, 0.02);
        }

        RegisterComponents();
    }

    /// <summary>The cache, if any; its session follows the sampler through the IFlowModel calls.</summary>
    public CacheSession? Cache { get; set; }

    public Tensor Velocity(Tensor latents, Tensor time, TextConditioning text)
    {
        using var scope = NewDisposeScope();
        var c = t_embedder.call(SinusoidalEmbedding.Compute(time * 1000)) + y_embedder.call(text.Pooled);
        // What adds caching to this model: the block loop goes through the runner, which decides per
        // step whether blocks run, and what is forecast.
        var stack = new HostBlocks<Tensor>(
            [.. blocks.Select(b => new CachedDiTBlock(b, c))],
            Input: () => x_embedder.call(latents) + pos_embed,
            Begin: x => x,
            HiddenOf: x => x);
        var x = CachingRunner.Run(stack, Cache?.NextForward(latents.shape));
        return final_layer.call(x).MoveToOuterDisposeScope();
    }

    public void BeginGeneration(IReadOnlyList<double> times, long batch, CfgLayout cfg) => Cache?.BeginGeneration(times, batch, cfg, ModelIdentity.Of(this));

    public void BeginStep(int step) => Cache?.BeginStep(step);

    public void EndGeneration() => Cache?.EndGeneration();
}
