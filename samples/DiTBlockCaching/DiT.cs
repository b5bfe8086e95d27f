using LesaHiCache.Caching;
using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace DiTBlockCaching;

/// <summary>
/// A DiT block with adaLN-Zero (Peebles and Xie): a model the library knows nothing about.
/// x = x + gate_msa * attn(modulate(norm(x))); x = x + gate_mlp * mlp(modulate(norm(x))).
/// </summary>
internal sealed class DiTBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LinearLayer adaLN_modulation;
    private readonly LinearLayer qkv;
    private readonly LinearLayer proj;
    private readonly FeedForward mlp;
    private readonly long heads;

    public DiTBlock(long dim, long heads, ModuleBuild build) : base(nameof(DiTBlock))
    {
        this.heads = heads;
        adaLN_modulation = new LinearLayer(dim, 6 * dim, build);
        qkv = new LinearLayer(dim, 3 * dim, build);
        proj = new LinearLayer(dim, dim, build);
        mlp = new FeedForward(dim, build);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor conditioning)
    {
        using var scope = NewDisposeScope();
        var m = adaLN_modulation.call(nn.functional.silu(conditioning)).unsqueeze(1).chunk(6, dim: 2);
        var dim = x.shape[2];
        var h = nn.functional.layer_norm(x, [dim], eps: 1e-6) * (1 + m[1]) + m[0];
        var parts = qkv.call(h).unflatten(2, [3, heads, dim / heads]).unbind(2);
        x = x + m[2] * proj.call(Attention.Compute(parts[0], parts[1], parts[2]));
        h = nn.functional.layer_norm(x, [dim], eps: 1e-6) * (1 + m[4]) + m[3];
        return (x + m[5] * mlp.call(h)).MoveToOuterDisposeScope();
    }
}

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
        var x = x_embedder.call(latents) + pos_embed;
        // The one line that adds caching to this model: route the block loop through the adapter.
        IFeatureCacheStep cache = Cache is null ? NoFeatureCache.Instance : Cache.NextForward(latents.shape);
        x = BlockListCache.Run(blocks, x, (block, h) => block.call(h, c), cache);
        return final_layer.call(x).MoveToOuterDisposeScope();
    }

    public void BeginGeneration(IReadOnlyList<double> times, long batch, CfgLayout cfg) => Cache?.BeginGeneration(times, batch, cfg);

    public void BeginStep(int step) => Cache?.BeginStep(step);

    public void EndGeneration() => Cache?.EndGeneration();
}
