using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

public class FluxTransformerTests
{
    [Fact]
    public void StateDictKeys_AreExactlyDiffusersKeys()
    {
        using var model = new FluxTransformer(TestConfigs.Tiny(guidance: true), ModuleBuild.Meta);

        // Written out from diffusers' FluxTransformer2DModel with num_layers = num_single_layers = 1.
        string[] linears =
        [
            "x_embedder", "context_embedder",
            "time_text_embed.timestep_embedder.linear_1", "time_text_embed.timestep_embedder.linear_2",
            "time_text_embed.guidance_embedder.linear_1", "time_text_embed.guidance_embedder.linear_2",
            "time_text_embed.text_embedder.linear_1", "time_text_embed.text_embedder.linear_2",
            "transformer_blocks.0.norm1.linear", "transformer_blocks.0.norm1_context.linear",
            "transformer_blocks.0.attn.to_q", "transformer_blocks.0.attn.to_k", "transformer_blocks.0.attn.to_v",
            "transformer_blocks.0.attn.add_q_proj", "transformer_blocks.0.attn.add_k_proj", "transformer_blocks.0.attn.add_v_proj",
            "transformer_blocks.0.attn.to_out.0", "transformer_blocks.0.attn.to_add_out",
            "transformer_blocks.0.ff.net.0.proj", "transformer_blocks.0.ff.net.2",
            "transformer_blocks.0.ff_context.net.0.proj", "transformer_blocks.0.ff_context.net.2",
            "single_transformer_blocks.0.norm.linear", "single_transformer_blocks.0.proj_mlp", "single_transformer_blocks.0.proj_out",
            "single_transformer_blocks.0.attn.to_q", "single_transformer_blocks.0.attn.to_k", "single_transformer_blocks.0.attn.to_v",
            "norm_out.linear", "proj_out",
        ];
        string[] norms =
        [
            "transformer_blocks.0.attn.norm_q", "transformer_blocks.0.attn.norm_k",
            "transformer_blocks.0.attn.norm_added_q", "transformer_blocks.0.attn.norm_added_k",
            "single_transformer_blocks.0.attn.norm_q", "single_transformer_blocks.0.attn.norm_k",
        ];
        var expected = linears.SelectMany(n => new[] { n + ".weight", n + ".bias" })
            .Concat(norms.Select(n => n + ".weight"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FluxDevConfig_BuildsOnMetaWithoutAllocating_AndHasTheHandCountedParameters()
    {
        var config = FluxTransformerConfig.Load(Path.Combine(TestConfigs.FixturesFolder, "flux1-dev.transformer.config.json"));
        var before = Environment.WorkingSet;

        using var model = new FluxTransformer(config, ModuleBuild.Meta);

        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
        // 11.9 G float32 parameters would be 47.6 GB; building must not touch memory at that scale.
        Assert.True(Environment.WorkingSet - before < 512L * 1024 * 1024, "building on meta allocated memory");
        Assert.Equal(FluxDevParameterCount(guidance: true), model.ParameterCount);
        Assert.Equal(11_901_408_320L, model.ParameterCount);
        // Tensors (what a fingerprint reads): 32 per double block (q/k/v, added q/k/v, two outputs, four
        // q/k norms, two modulations, two feed-forwards), 14 per single block, 20 outside the blocks.
        Assert.Equal((19 * 32) + (38 * 14) + 20, model.state_dict().Count);
    }

    [Fact]
    public void FluxSchnellConfig_DiffersFromDevOnlyByTheGuidanceEmbedder()
    {
        var config = FluxTransformerConfig.Load(Path.Combine(TestConfigs.FixturesFolder, "flux1-schnell.transformer.config.json"));
        using var model = new FluxTransformer(config, ModuleBuild.Meta);
        Assert.Equal(FluxDevParameterCount(guidance: false), model.ParameterCount);
        Assert.Equal(11_891_178_560L, model.ParameterCount);
    }

    /// <summary>
    /// Counted by hand from the architecture: dim 3072 (24 heads x 128), text 4096, pooled 768,
    /// in/out 64 channels, MLP 4 x dim, 19 double and 38 single blocks.
    /// </summary>
    private static long FluxDevParameterCount(bool guidance)
    {
        const long dim = 3072, text = 4096, pooled = 768, channels = 64, mlp = 4 * dim, headDim = 128;
        static long Linear(long i, long o) => i * o + o;
        var embedders = Linear(channels, dim) + Linear(text, dim);                          // x_embedder, context_embedder
        var timeEmbedding = Linear(256, dim) + Linear(dim, dim);                             // one TimestepEmbedding
        var textEmbedding = Linear(pooled, dim) + Linear(dim, dim);                          // PixArtAlphaTextProjection
        var conditioning = timeEmbedding * (guidance ? 2 : 1) + textEmbedding;
        var doubleBlock = 2 * Linear(dim, 6 * dim)                                           // norm1, norm1_context
            + 8 * Linear(dim, dim)                                                           // q k v, add_q k v, to_out, to_add_out
            + 4 * headDim                                                                    // 4 QK RMSNorm scales
            + 2 * (Linear(dim, mlp) + Linear(mlp, dim));                                     // ff, ff_context
        var singleBlock = Linear(dim, 3 * dim) + Linear(dim, mlp) + Linear(dim + mlp, dim)   // norm, proj_mlp, proj_out
            + 3 * Linear(dim, dim) + 2 * headDim;                                            // q k v, QK norms
        var output = Linear(dim, 2 * dim) + Linear(dim, channels);                           // norm_out, proj_out
        return embedders + conditioning + 19 * doubleBlock + 38 * singleBlock + output;
    }

    [Fact]
    public void Forward_GivesVelocityShapedOutput_Deterministically()
    {
        manual_seed(11);
        using var model = new FluxTransformer(TestConfigs.Tiny(guidance: true, layers: 2, singleLayers: 2));
        using var input = TinyInput(model.Config, batch: 3, guidance: true);

        using var first = model.forward(input.Value);
        using var second = model.forward(input.Value);

        Assert.Equal(new long[] { 3, 16, 8 }, first.shape);
        Assert.True(first.isfinite().all().item<bool>());
        Assert.True(first.eq(second).all().item<bool>());
    }

    [Fact]
    public void Forward_BatchItemsAreIndependent()
    {
        manual_seed(12);
        using var model = new FluxTransformer(TestConfigs.Tiny());
        using var input = TinyInput(model.Config, batch: 2, guidance: false);
        using var both = model.forward(input.Value);
        var v = input.Value;
        using var firstOnly = model.forward(v with { Image = v.Image[..1], Text = v.Text[..1], Pooled = v.Pooled[..1], Timestep = v.Timestep[..1] });
        Assert.True(allclose(both[..1], firstOnly, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Forward_WithoutRequiredGuidance_NamesTheProblem()
    {
        using var model = new FluxTransformer(TestConfigs.Tiny(guidance: true));
        using var input = TinyInput(model.Config, batch: 1, guidance: false);
        var error = Assert.Throws<ArgumentException>(() => model.forward(input.Value));
        Assert.Contains("guidance", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Forward_WithWrongChannelCount_NamesTheTensor()
    {
        using var model = new FluxTransformer(TestConfigs.Tiny());
        using var input = TinyInput(model.Config, batch: 1, guidance: false);
        using var wrong = zeros(1, 16, 5);
        var error = Assert.Throws<ArgumentException>(() => model.forward(input.Value with { Image = wrong }));
        Assert.Contains("Image", error.Message, StringComparison.Ordinal);
    }

    internal static DisposableInput TinyInput(FluxTransformerConfig config, int batch, bool guidance)
    {
        var generator = new TorchSharp.torch.Generator(42);
        const int Side = 4, TextTokens = 3;
        var ids = zeros(Side * Side, 3, ScalarType.Int64);
        for (var row = 0; row < Side; row++)
        {
            for (var col = 0; col < Side; col++)
            {
                ids[row * Side + col, 1] = row;
                ids[row * Side + col, 2] = col;
            }
        }

        return new DisposableInput(new FluxTransformerInput(
            randn([batch, Side * Side, config.InChannels], generator: generator),
            randn([batch, TextTokens, config.JointAttentionDim], generator: generator),
            randn([batch, config.PooledProjectionDim], generator: generator),
            linspace(0.2, 0.9, batch),
            ids,
            zeros(TextTokens, 3, ScalarType.Int64),
            guidance ? full(batch, 3.5f) : null));
    }

    internal sealed class DisposableInput(FluxTransformerInput value) : IDisposable
    {
        public FluxTransformerInput Value { get; } = value;

        public void Dispose()
        {
            Value.Image.Dispose();
            Value.Text.Dispose();
            Value.Pooled.Dispose();
            Value.Timestep.Dispose();
            Value.ImageIds.Dispose();
            Value.TextIds.Dispose();
            Value.Guidance?.Dispose();
        }
    }
}
