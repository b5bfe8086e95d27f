using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Model;

/// <summary>
/// A small pre-norm transformer encoder over word ids: token features [B, L, D] for the
/// transformer's joint attention and a pooled vector [B, D] (projected mean of the features).
/// With per-object segments (<see cref="ShapesTextEncoderConfig.SegmentSeparatorIds"/>) each token
/// also gets its segment's embedding, and one token per segment follows the word tokens: [B, L + K, D].
/// </summary>
public sealed class ShapesTextEncoder : nn.Module<Tensor, TextConditioning>
{
    private readonly TorchSharp.Modules.Embedding token_embedding;
    private readonly TorchSharp.Modules.Parameter position_embedding;
    private readonly TorchSharp.Modules.ModuleList<EncoderLayer> layers;
    private readonly TorchSharp.Modules.LayerNorm final_norm;
    private readonly LinearLayer pooled_proj;
    private readonly TorchSharp.Modules.Embedding? segment_embedding;
    private readonly LinearLayer? segment_proj;

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
        if (config.Segments > 0)
        {
            // Id 0 is padding's segment; segments 1..K are the prompt's parts.
            segment_embedding = nn.Embedding(config.Segments + 1, d, device: build.Device, dtype: build.DType);
            segment_proj = new LinearLayer(d, d, build);
        }

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
        var segments = segment_embedding is null ? null : SegmentsOf(ids);
        if (segments is not null)
        {
            x = x + segment_embedding!.forward(segments);
        }

        foreach (var layer in layers)
        {
            x = layer.forward(x);
        }

        var tokens = final_norm.forward(x);
        var pooled = pooled_proj.forward(tokens.mean([1L]));
        if (segments is not null)
        {
            var segmentTokens = segment_proj!.forward(SegmentMeans(tokens, segments));
            tokens = Config.SegmentTokensOnly ? segmentTokens : cat([tokens, segmentTokens], dim: 1);
        }

        return new TextConditioning(tokens.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The segment of every token [B, L]: 0 for padding, 1 before the first separator, and one more
    /// from each separator on (each separator id opens its own segment, in the configured order).
    /// </summary>
    internal Tensor SegmentsOf(Tensor ids)
    {
        var segment = ones_like(ids);
        for (var k = 0; k < Config.SegmentSeparatorIds.Count; k++)
        {
            using var opens = ids.eq(Config.SegmentSeparatorIds[k]).cumsum(1).gt(0);
            segment = segment.masked_fill(opens, k + 2);
        }

        return segment.masked_fill(ids.eq(0), 0);
    }

    /// <summary>The mean of each segment's tokens [B, K, D] (zero for a segment without tokens, e.g. in the empty prompt).</summary>
    private Tensor SegmentMeans(Tensor tokens, Tensor segments)
    {
        var members = stack(Enumerable.Range(1, Config.Segments).Select(k => segments.eq(k)).ToList(), 1).to_type(tokens.dtype); // [B, K, L]
        var counts = members.sum(2, keepdim: true).clamp_min(1);
        return members.matmul(tokens) / counts;
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
