using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Model;

/// <summary>
/// A small pre-norm transformer encoder over word ids: token features [B, L, D] for the
/// transformer's joint attention and a pooled vector [B, D] (projected mean of the features).
/// </summary>
public sealed class ShapesTextEncoder : nn.Module<Tensor, TextConditioning>
{
    private readonly TorchSharp.Modules.Embedding token_embedding;
    private readonly TorchSharp.Modules.Parameter position_embedding;
    private readonly TorchSharp.Modules.ModuleList<EncoderLayer> layers;
    private readonly TorchSharp.Modules.LayerNorm final_norm;
    private readonly LinearLayer pooled_proj;

    /// <summary>Builds the encoder.</summary>
    public ShapesTextEncoder(ShapesTextEncoderConfig config, ModuleBuild build) : base(nameof(ShapesTextEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(build);
        Config = config;
        long d = config.HiddenSize;
        token_embedding = nn.Embedding(config.VocabSize, d, device: build.Device, dtype: build.DType);
        position_embedding = build.NewParameter(config.MaxLength, d);
        if (build.ShouldInitialize)
        {
            using var _ = no_grad();
            position_embedding.normal_(0, 0.02);
        }

        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new EncoderLayer(d, config.Heads, build)).ToArray());
        final_norm = nn.LayerNorm(d, device: build.Device, dtype: build.DType);
        pooled_proj = new LinearLayer(d, d, build);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public ShapesTextEncoderConfig Config { get; }

    /// <summary>ids [B, L] (int64) to token features and pooled vector.</summary>
    public override TextConditioning forward(Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var scope = NewDisposeScope();
        var x = token_embedding.forward(ids) + position_embedding.unsqueeze(0);
        foreach (var layer in layers)
        {
            x = layer.forward(x);
        }

        var tokens = final_norm.forward(x);
        var pooled = pooled_proj.forward(tokens.mean([1L]));
        return new TextConditioning(tokens.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    /// <summary>One pre-norm encoder layer: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
    public sealed class EncoderLayer : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.LayerNorm norm1;
        private readonly LinearLayer qkv;
        private readonly LinearLayer out_proj;
        private readonly TorchSharp.Modules.LayerNorm norm2;
        private readonly FeedForward mlp;
        private readonly long heads;

        /// <summary>Builds the layer.</summary>
        public EncoderLayer(long dim, long heads, ModuleBuild build) : base(nameof(EncoderLayer))
        {
            this.heads = heads;
            norm1 = nn.LayerNorm(dim, device: build.Device, dtype: build.DType);
            qkv = new LinearLayer(dim, 3 * dim, build);
            out_proj = new LinearLayer(dim, dim, build);
            norm2 = nn.LayerNorm(dim, device: build.Device, dtype: build.DType);
            mlp = new FeedForward(dim, build);
            RegisterComponents();
        }

        /// <inheritdoc />
        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var dim = x.shape[2];
            var parts = qkv.forward(norm1.forward(x)).unflatten(2, [3, heads, dim / heads]).unbind(2);
            x = x + out_proj.forward(Attention.Compute(parts[0], parts[1], parts[2]));
            return (x + mlp.forward(norm2.forward(x))).MoveToOuterDisposeScope();
        }
    }
}
