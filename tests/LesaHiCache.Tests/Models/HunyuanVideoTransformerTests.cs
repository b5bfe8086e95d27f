using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Models.HunyuanVideo;
using LesaHiCache.Sampling;
using LesaHiCache.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

public sealed class HunyuanVideoTransformerTests : IDisposable
{
    private const int Steps = 20;
    private readonly HunyuanVideoTransformer transformer;
    private readonly TextConditioning text;
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("lesa-hunyuan-");

    public HunyuanVideoTransformerTests()
    {
        manual_seed(43);
        transformer = new HunyuanVideoTransformer(Tiny(layers: 1, singleLayers: 2));
        transformer.eval();
        var generator = new TorchSharp.torch.Generator(5);
        text = new TextConditioning(randn([2, 5, 12], generator: generator), randn([2, 6], generator: generator));
    }

    public void Dispose()
    {
        transformer.Dispose();
        text.Tokens.Dispose();
        text.Pooled.Dispose();
        scratch.Delete(recursive: true);
    }

    private static HunyuanVideoTransformerConfig Tiny(int layers, int singleLayers, int refinerLayers = 1) => new()
    {
        InChannels = 4,
        OutChannels = 4,
        NumAttentionHeads = 2,
        AttentionHeadDim = 8,
        NumLayers = layers,
        NumSingleLayers = singleLayers,
        NumRefinerLayers = refinerLayers,
        TextEmbedDim = 12,
        PooledProjectionDim = 6,
        RopeAxesDim = [2, 2, 4],
    };

    /// <summary>Two clips of 2 x 2 x 3 tokens (latents [4, 2, 4, 6]).</summary>
    private Tensor Generate(CacheSession? session, HunyuanVideoTransformer? model = null)
    {
        using var flow = new HunyuanVideoFlowModel(model ?? transformer, 2, 2, 3, cache: session);
        using var noise = SeededNoise.Draw([100, 101], [12, 16], CPU);
        return FlowMatchEulerSampler.Sample(flow, text, noise, new SamplerOptions { Steps = Steps });
    }

    [Fact]
    public void TheHunyuanVideoConfig_BuildsOnMeta_WithTheHandCountedParameters()
    {
        var config = HunyuanVideoTransformerConfig.Load(Path.Combine(TestConfigs.FixturesFolder, "hunyuanvideo.transformer.config.json"));
        var before = Environment.WorkingSet;
        using var model = new HunyuanVideoTransformer(config, ModuleBuild.Meta);
        Assert.True(Environment.WorkingSet - before < 512L * 1024 * 1024, "building on meta allocated memory");
        long d = 3072, t = 4096, pooled = 768, h = 128;
        long Mlp(long input) => (input * d) + d + (d * d) + d;
        var patch = (d * 16 * 1 * 2 * 2) + d;
        var refinerBlock = (2 * d) + (4 * ((d * d) + d)) + (2 * d) + ((d * 4 * d) + (4 * d) + (4 * d * d) + d) + ((d * 2 * d) + (2 * d));
        var refiner = Mlp(256) + Mlp(t) + (t * d) + d + (2 * refinerBlock);
        var conditioning = (2 * Mlp(256)) + Mlp(pooled);
        var dual = (2 * ((d * 6 * d) + (6 * d))) + (8 * ((d * d) + d)) + (4 * h) + (2 * ((d * 4 * d) + (4 * d) + (4 * d * d) + d));
        var single = (d * 3 * d) + (3 * d) + (3 * ((d * d) + d)) + (2 * h) + (d * 4 * d) + (4 * d) + (5 * d * d) + d;
        var output = (d * 2 * d) + (2 * d) + (d * 64) + 64;
        Assert.Equal(patch + refiner + conditioning + (20 * dual) + (40 * single) + output, model.ParameterCount);
        Assert.Equal(12_821_012_544L, model.ParameterCount);
    }

    [Fact]
    public void StateDictKeys_AreDiffusers()
    {
        using var model = new HunyuanVideoTransformer(Tiny(layers: 1, singleLayers: 1), ModuleBuild.Meta);
        string[] Linear(string name) => [name + ".weight", name + ".bias"];
        string[] Mlp(string name) => [.. Linear(name + ".linear_1"), .. Linear(name + ".linear_2")];
        string[] refiner =
        [
            .. Mlp("time_text_embed.timestep_embedder"), .. Mlp("time_text_embed.text_embedder"), .. Linear("proj_in"),
            .. new[] { "norm1", "norm2", "attn.to_q", "attn.to_k", "attn.to_v", "attn.to_out.0", "ff.net.0.proj", "ff.net.2", "norm_out.linear" }
                .SelectMany(n => Linear("token_refiner.refiner_blocks.0." + n)),
        ];
        string[] dual =
        [
            .. new[] { "norm1.linear", "norm1_context.linear", "attn.to_q", "attn.to_k", "attn.to_v", "attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj", "attn.to_out.0", "attn.to_add_out", "ff.net.0.proj", "ff.net.2", "ff_context.net.0.proj", "ff_context.net.2" }.SelectMany(Linear),
            "attn.norm_q.weight", "attn.norm_k.weight", "attn.norm_added_q.weight", "attn.norm_added_k.weight",
        ];
        string[] single =
        [
            .. new[] { "norm.linear", "attn.to_q", "attn.to_k", "attn.to_v", "proj_mlp", "proj_out" }.SelectMany(Linear),
            "attn.norm_q.weight", "attn.norm_k.weight",
        ];
        string[] expected =
        [
            .. Linear("x_embedder.proj"),
            .. refiner.Select(k => "context_embedder." + k),
            .. Mlp("time_text_embed.timestep_embedder"), .. Mlp("time_text_embed.guidance_embedder"), .. Mlp("time_text_embed.text_embedder"),
            .. dual.Select(k => "transformer_blocks.0." + k),
            .. single.Select(k => "single_transformer_blocks.0." + k),
            .. Linear("norm_out.linear"), .. Linear("proj_out"),
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal([16L, 4, 1, 2, 2], model.state_dict()["x_embedder.proj.weight"].shape);
    }

    [Fact]
    public void ThePatchEmbedding_OnPackedTokens_IsTheConvolutionOnTheLatents()
    {
        using var latents = randn([2, 4, 2, 4, 6], generator: new TorchSharp.torch.Generator(9));
        using var packed = HunyuanVideoPacking.Pack(latents);
        using var back = HunyuanVideoPacking.Unpack(packed, 2, 2, 3);
        Assert.True(back.eq(latents).all().item<bool>());
        Assert.Equal([2L, 12, 16], packed.shape);

        var state = transformer.state_dict();
        using var convolved = nn.functional.conv3d(latents, state["x_embedder.proj.weight"], state["x_embedder.proj.bias"], strides: [1, 2, 2]);
        using var asTokens = convolved.flatten(2).transpose(1, 2); // diffusers: BCFHW -> BNC
        var embed = transformer.named_modules().Single(m => m.name == "x_embedder").module as nn.Module<Tensor, Tensor>;
        using var fromPacked = embed!.call(packed);
        Assert.True(torch.allclose(fromPacked, asTokens, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void VideoPositions_AreFrameRowColumn_FromZero()
    {
        using var ids = HunyuanVideoPacking.VideoIds(2, 2, 3);
        float[] expected = [0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 1, 2, 1, 0, 0, 1, 0, 1, 1, 0, 2, 1, 1, 0, 1, 1, 1, 1, 1, 2];
        Assert.Equal(expected, ids.data<float>().ToArray());
        using var rope = transformer.RotaryTablesFor(5, 2, 2, 3);
        using var textCos = rope.Cos[..5];
        using var textSin = rope.Sin[..5];
        Assert.True(textCos.eq(1).all().item<bool>()); // text tokens are not rotated
        Assert.True(textSin.eq(0).all().item<bool>());
    }

    [Fact]
    public void SaveAndLoad_RoundTripBitExact_AndAMissingBlockIsNamed()
    {
        var folder = Path.Combine(scratch.FullName, "transformer");
        transformer.SavePretrained(folder);
        using var loaded = HunyuanVideoTransformer.FromPretrained(folder);
        using var expected = Generate(null);
        using var actual = Generate(null, loaded);
        Assert.True(actual.eq(expected).all().item<bool>());

        File.WriteAllText(Path.Combine(folder, "config.json"), Tiny(layers: 1, singleLayers: 3).ToJson());
        var missing = Assert.Throws<WeightsLoadException>(() => HunyuanVideoTransformer.FromPretrained(folder).Dispose());
        Assert.Contains("single_transformer_blocks.2.", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedVariants_AreRefusedNamingTheField()
    {
        var error = Assert.Throws<FormatException>(() => HunyuanVideoTransformerConfig.Parse("""{"_class_name": "HunyuanVideoTransformer3DModel", "image_condition_type": "token_replace"}"""));
        Assert.Contains("image_condition_type", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CacheLevel.Module)]
    [InlineData(CacheLevel.Model)]
    public void IntervalOne_IsBitIdenticalToNoCaching(CacheLevel level)
    {
        using var reference = Generate(null);
        using var session = new CacheSession(new CacheConfig { Level = level, Forecaster = () => new HiCache(2, 0.5), Schedule = new FixedIntervalSchedule(1, warmup: 0) });
        using var cached = Generate(session);
        Assert.True(reference.eq(cached).all().item<bool>());
    }

    [Theory]
    [InlineData(CacheLevel.Module, 4)]
    [InlineData(CacheLevel.Model, 1)]
    public void ForecastSteps_RunNoAttentionNoMlpAndNoRefiner_AndStayCloseToUncached(CacheLevel level, int items)
    {
        using var counter = new ProjectionCounter(transformer, "attn.to_q", "ff.net.2", "ff_context.net.2", "proj_mlp");
        using var reference = Generate(null);
        counter.Reset();

        using var session = new CacheSession(new CacheConfig { Level = level, Forecaster = () => new TaylorSeer(2), Schedule = new FixedIntervalSchedule(4, warmup: 3) });
        using var cached = Generate(session);
        // refiner (to_q, ff.net.2) + 1 dual block (to_q, ff, ff_context) + 2 single blocks (to_q, proj_mlp)
        Assert.Equal(9, counter.Counts.Count);
        Assert.All(counter.Counts, c => Assert.Equal(session.Statistics.FullSteps.Count, c.Value));
        Assert.Equal(12, session.Statistics.ForecastSteps.Count);
        Assert.Equal(items, session.Statistics.Items); // module: 2 video items of the dual block + 1 per single block
        using var error = (cached - reference).abs().mean() / reference.abs().mean();
        Assert.InRange(error.item<float>(), 1e-6, 0.2);
    }
}
