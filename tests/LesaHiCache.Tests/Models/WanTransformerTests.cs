using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Models.Wan;
using LesaHiCache.Sampling;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

public sealed class WanTransformerTests : IDisposable
{
    private const int Steps = 20;
    private readonly WanTransformer transformer;
    private readonly Tensor tokens;
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("lesa-wan-");

    public WanTransformerTests()
    {
        manual_seed(43);
        transformer = new WanTransformer(Tiny(layers: 2));
        transformer.eval();
        tokens = randn([2, 5, 12], generator: new TorchSharp.torch.Generator(3));
    }

    public void Dispose()
    {
        transformer.Dispose();
        tokens.Dispose();
        scratch.Delete(recursive: true);
    }

    // dim 16 (2 heads of 8: RoPE axes [4, 2, 2]), latent channels 4, patch [1, 2, 2]: tokens of 16 values.
    private static WanTransformerConfig Tiny(int layers) => new()
    {
        PatchSize = [1, 2, 2],
        NumAttentionHeads = 2,
        AttentionHeadDim = 8,
        InChannels = 4,
        OutChannels = 4,
        TextDim = 12,
        FreqDim = 8,
        FfnDim = 24,
        NumLayers = layers,
        RopeMaxSeqLen = 16,
    };

    // A video of 2 x 2 x 3 patches: 12 tokens of 16 values.
    private Tensor Generate(CacheSession? session, WanTransformer? model = null)
    {
        using var flow = new WanFlowModel(model ?? transformer, 2, 2, 3, session);
        using var noise = SeededNoise.Draw([100, 101], [12, 16], CPU);
        using var negative = zeros(1, 5, 12);
        var options = new SamplerOptions { Steps = Steps, GuidanceScale = 5, NullText = WanFlowModel.Text(negative) };
        return FlowMatchEulerSampler.Sample(flow, WanFlowModel.Text(tokens), noise, options);
    }

    [Fact]
    public void TheWan21T2V13BConfig_BuildsOnMeta_WithTheHandCountedParameters()
    {
        var config = WanTransformerConfig.Load(Path.Combine(TestConfigs.FixturesFolder, "wan2.1-t2v-1.3b.transformer.config.json"));
        Assert.Equal(30, config.NumLayers);
        Assert.Equal(1536, config.InnerDim);
        Assert.Equal([44, 42, 42], config.RopeAxesDims);
        var before = Environment.WorkingSet;
        using var model = new WanTransformer(config, ModuleBuild.Meta);
        Assert.True(Environment.WorkingSet - before < 512L * 1024 * 1024, "building on meta allocated memory");
        long d = 1536, ffn = 8960, text = 4096, freq = 256, c = 16, patch = 1 * 2 * 2;
        var attention = (4 * ((d * d) + d)) + (2 * d); // to_q, to_k, to_v, to_out.0; norm_q, norm_k over the inner dim
        var block = (2 * attention) + (2 * d) + ((d * ffn) + ffn + (ffn * d) + d) + (6 * d); // attn1, attn2, norm2 (affine), ffn, scale_shift_table
        var outside =
            ((d * c * patch) + d) // patch_embedding (Conv3d)
            + ((freq * d) + d + (d * d) + d) // condition_embedder.time_embedder
            + ((d * 6 * d) + (6 * d)) // condition_embedder.time_proj
            + ((text * d) + d + (d * d) + d) // condition_embedder.text_embedder
            + ((d * c * patch) + (c * patch)) // proj_out
            + (2 * d); // scale_shift_table
        Assert.Equal((30 * block) + outside, model.ParameterCount);
        Assert.Equal(1_418_996_800L, model.ParameterCount); // diffusers: "1.3B" (about 1.4B)
    }

    [Fact]
    public void StateDictKeys_AreDiffusers()
    {
        using var model = new WanTransformer(Tiny(layers: 1), ModuleBuild.Meta);
        string[] attention =
        [
            "to_q.weight", "to_q.bias", "to_k.weight", "to_k.bias", "to_v.weight", "to_v.bias",
            "to_out.0.weight", "to_out.0.bias", "norm_q.weight", "norm_k.weight",
        ];
        string[] block =
        [
            .. attention.Select(k => "attn1." + k),
            .. attention.Select(k => "attn2." + k),
            "norm2.weight", "norm2.bias",
            "ffn.net.0.proj.weight", "ffn.net.0.proj.bias", "ffn.net.2.weight", "ffn.net.2.bias",
            "scale_shift_table",
        ];
        string[] outside =
        [
            "patch_embedding.weight", "patch_embedding.bias",
            "condition_embedder.time_embedder.linear_1.weight", "condition_embedder.time_embedder.linear_1.bias",
            "condition_embedder.time_embedder.linear_2.weight", "condition_embedder.time_embedder.linear_2.bias",
            "condition_embedder.time_proj.weight", "condition_embedder.time_proj.bias",
            "condition_embedder.text_embedder.linear_1.weight", "condition_embedder.text_embedder.linear_1.bias",
            "condition_embedder.text_embedder.linear_2.weight", "condition_embedder.text_embedder.linear_2.bias",
            "proj_out.weight", "proj_out.bias", "scale_shift_table",
        ];
        var expected = outside.Concat(block.Select(k => "blocks.0." + k)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, model.state_dict().Keys.Order(StringComparer.Ordinal));
        var shapes = model.state_dict();
        Assert.Equal([16L, 4, 1, 2, 2], shapes["patch_embedding.weight"].shape);
        Assert.Equal([1L, 6, 16], shapes["blocks.0.scale_shift_table"].shape);
        Assert.Equal([1L, 2, 16], shapes["scale_shift_table"].shape);
        Assert.Equal([16L], shapes["blocks.0.attn1.norm_q.weight"].shape); // across heads: the whole inner dim
        Assert.Equal([24L, 16], shapes["blocks.0.ffn.net.0.proj.weight"].shape);
        Assert.Equal([96L, 16], shapes["condition_embedder.time_proj.weight"].shape);
    }

    [Fact]
    public void Rope_PositionsCountFromZero_AndAnglesFollowTheAxisSplit()
    {
        // Frame-major, then row-major; not centred.
        using var ids = WanPositions.Ids(2, 2, 3);
        float[] expected =
        [
            0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 1, 2,
            1, 0, 0, 1, 0, 1, 1, 0, 2, 1, 1, 0, 1, 1, 1, 1, 1, 2,
        ];
        Assert.Equal(expected, ids.data<float>().ToArray());

        // Head dim 8: h = w = 2 * (8 / 6) = 2 channels, t = 8 - 4 = 4. Frequencies 10000^(-2j / d) per axis:
        // t: 1, 0.01; h: 1; w: 1, each repeated for the pair (2j, 2j + 1). Token (f 1, h 1, w 2) is index 11.
        using var tables = transformer.RotaryTablesFor(2, 2, 3);
        Assert.Equal([12L, 8], tables.Cos.shape);
        double[] angles = [1, 1, 0.01, 0.01, 1, 1, 2, 2];
        var cos = tables.Cos[11].data<float>().ToArray();
        var sin = tables.Sin[11].data<float>().ToArray();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(Math.Cos(angles[i]), cos[i], 6);
            Assert.Equal(Math.Sin(angles[i]), sin[i], 6);
        }

        // Token (f 0, h 1, w 0) is index 3: only the height channels turn.
        Assert.Equal([1f, 1, 1, 1, (float)Math.Cos(1), (float)Math.Cos(1), 1, 1], tables.Cos[3].data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => transformer.RotaryTablesFor(17, 1, 1).Dispose()); // rope_max_seq_len 16
    }

    [Fact]
    public void PackAndUnpack_RoundTrip_AndPlacePatchValuesChannelFastest()
    {
        using var latents = randn([2, 3, 4, 4, 6], generator: new TorchSharp.torch.Generator(5));
        int[] patch = [2, 2, 2];
        using var packed = WanFlowModel.Pack(latents, patch);
        Assert.Equal([2L, 2 * 2 * 3, 2 * 2 * 2 * 3], packed.shape);
        using var unpacked = WanFlowModel.Unpack(packed, 2, 2, 3, patch);
        Assert.True(unpacked.eq(latents).all().item<bool>());

        // latents[b, c, f pt + i, h ph + j, w pw + k] is packed[b, (f H + h) W + w, ((i ph + j) pw + k) C + c].
        (int b, int c, int f, int h, int w, int i, int j, int k) = (1, 2, 1, 0, 2, 1, 0, 1);
        var token = (((f * 2) + h) * 3) + w;
        var channel = (((((i * 2) + j) * 2) + k) * 3) + c;
        Assert.Equal(
            latents[b, c, (f * 2) + i, (h * 2) + j, (w * 2) + k].item<float>(),
            packed[b, token, channel].item<float>());
    }

    [Fact]
    public void SaveAndLoad_RoundTripBitExact_AndAMissingBlockIsNamed()
    {
        var folder = Path.Combine(scratch.FullName, "transformer");
        transformer.SavePretrained(folder);
        using var loaded = WanTransformer.FromPretrained(folder);
        using var expected = Generate(null);
        using var actual = Generate(null, loaded);
        Assert.True(actual.eq(expected).all().item<bool>());

        File.WriteAllText(Path.Combine(folder, "config.json"), Tiny(layers: 3).ToJson());
        var missing = Assert.Throws<WeightsLoadException>(() => WanTransformer.FromPretrained(folder).Dispose());
        Assert.Contains("blocks.2.", missing.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "config.json"), Tiny(layers: 1).ToJson());
        var unexpected = Assert.Throws<WeightsLoadException>(() => WanTransformer.FromPretrained(folder).Dispose());
        Assert.Contains("blocks.1.", unexpected.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image_dim", """{"_class_name": "WanTransformer3DModel", "image_dim": 1280}""")]
    [InlineData("added_kv_proj_dim", """{"_class_name": "WanTransformer3DModel", "added_kv_proj_dim": 5120}""")]
    [InlineData("qk_norm", """{"_class_name": "WanTransformer3DModel", "qk_norm": "rms_norm"}""")]
    [InlineData("_class_name", """{"_class_name": "QwenImageTransformer2DModel"}""")]
    public void UnsupportedVariants_AreRefusedNamingTheField(string field, string json)
    {
        var error = Assert.Throws<FormatException>(() => WanTransformerConfig.Parse(json));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheConfig_RoundTripsThroughJson()
    {
        var config = WanTransformerConfig.Load(Path.Combine(TestConfigs.FixturesFolder, "wan2.1-t2v-1.3b.transformer.config.json"));
        var again = WanTransformerConfig.Parse(config.ToJson());
        Assert.Equal(config.ToJson(), again.ToJson());
        Assert.Equal(8960, again.FfnDim);
        Assert.Equal([1, 2, 2], again.PatchSize);
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
        Assert.Equal(Steps, session.Statistics.FullSteps.Count);
    }

    [Theory]
    [InlineData(CacheLevel.Module)]
    [InlineData(CacheLevel.Model)]
    public void TheMemoryPlan_IsThePeakTheSessionMeasures(CacheLevel level)
    {
        // Two clips of 12 tokens with CFG: 4 rows per step in all.
        using var session = new CacheSession(new CacheConfig { Level = level, Forecaster = () => new HiCache(2, 0.5), Schedule = new FixedIntervalSchedule(4, warmup: 3) });
        using var cached = Generate(session);
        using var forecaster = new HiCache(2, 0.5);
        var plan = transformer.CacheMemory(level, rows: 4, tokens: 12);
        Assert.Equal(session.Statistics.PeakCacheBytes, plan.PeakBytes(forecaster, ScalarType.Float32));
        Assert.Equal(3L * 4 * 12 * transformer.Config.InnerDim * 4 * plan.Items, session.Statistics.PeakCacheBytes);
    }

    [Theory]
    [InlineData(CacheLevel.Module, 6)]
    [InlineData(CacheLevel.Model, 1)]
    public void ForecastSteps_RunNoAttentionAndNoFeedForward_AndStayCloseToUncached(CacheLevel level, int items)
    {
        using var counter = new ProjectionCounter(transformer, "attn1.to_q", "attn2.to_q", "ffn.net.2");
        using var reference = Generate(null);
        Assert.Equal(6, counter.Counts.Count); // 2 blocks x (attn1.to_q, attn2.to_q, ffn.net.2)
        Assert.All(counter.Counts, c => Assert.Equal(Steps, c.Value));
        counter.Reset();

        using var session = new CacheSession(new CacheConfig { Level = level, Forecaster = () => new TaylorSeer(2), Schedule = new FixedIntervalSchedule(4, warmup: 3) });
        using var cached = Generate(session);
        Assert.All(counter.Counts, c => Assert.Equal(session.Statistics.FullSteps.Count, c.Value)); // one batched CFG call per full step, none on forecast steps
        Assert.Equal(12, session.Statistics.ForecastSteps.Count);
        Assert.Equal(items, session.Statistics.Items); // module: 3 branches per block (self-attention, cross-attention, FFN); model: the stack's output
        using var error = (cached - reference).abs().mean() / reference.abs().mean();
        Assert.InRange(error.item<float>(), 1e-6, 0.2);
    }
}
