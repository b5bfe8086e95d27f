using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Models.QwenImage;
using LesaHiCache.Sampling;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

public sealed class QwenImageTransformerTests : IDisposable
{
    private const int Steps = 20;
    private readonly QwenImageTransformer transformer;
    private readonly Tensor tokens;
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("lesa-qwen-");

    public QwenImageTransformerTests()
    {
        manual_seed(41);
        transformer = new QwenImageTransformer(Tiny(layers: 2));
        transformer.eval();
        tokens = randn([2, 5, 12], generator: new TorchSharp.torch.Generator(3));
    }

    public void Dispose()
    {
        transformer.Dispose();
        tokens.Dispose();
        scratch.Delete(recursive: true);
    }

    private static QwenImageTransformerConfig Tiny(int layers) => new()
    {
        InChannels = 8,
        OutChannels = 2,
        NumLayers = layers,
        AttentionHeadDim = 8,
        NumAttentionHeads = 2,
        JointAttentionDim = 12,
        AxesDimsRope = [2, 2, 4],
    };

    private Tensor Generate(CacheSession? session, QwenImageTransformer? model = null)
    {
        using var flow = new QwenImageFlowModel(model ?? transformer, 3, 4, session);
        using var noise = SeededNoise.Draw([100, 101], [12, 8], CPU);
        using var negative = zeros(1, 5, 12);
        var options = new SamplerOptions { Steps = Steps, GuidanceScale = 4, NullText = QwenImageFlowModel.Text(negative) };
        return FlowMatchEulerSampler.Sample(flow, QwenImageFlowModel.Text(tokens), noise, options);
    }

    [Fact]
    public void TheQwenImageConfig_BuildsOnMeta_WithTheHandCountedParameters()
    {
        var config = QwenImageTransformerConfig.Load(Path.Combine(TestConfigs.FixturesFolder, "qwen-image.transformer.config.json"));
        Assert.Equal(60, config.NumLayers);
        Assert.Equal(3072, config.InnerDim);
        Assert.Equal(64, config.OutputChannels);
        var before = Environment.WorkingSet;
        using var model = new QwenImageTransformer(config, ModuleBuild.Meta);
        Assert.True(Environment.WorkingSet - before < 512L * 1024 * 1024, "building on meta allocated memory");
        long d = 3072, t = 3584, h = 128;
        var block = (2 * ((d * 6 * d) + (6 * d))) + (8 * ((d * d) + d)) + (4 * h) + (2 * ((d * 4 * d) + (4 * d) + (4 * d * d) + d));
        var outside = (256 * d) + d + (d * d) + d + t + (64 * d) + d + (t * d) + d + (d * 2 * d) + (2 * d) + (d * 64) + 64;
        Assert.Equal((60 * block) + outside, model.ParameterCount);
        Assert.Equal(20_430_401_088L, model.ParameterCount);
    }

    [Fact]
    public void StateDictKeys_AreDiffusers()
    {
        using var model = new QwenImageTransformer(Tiny(layers: 1), ModuleBuild.Meta);
        string[] block =
        [
            "img_mod.1.weight", "img_mod.1.bias",
            "attn.to_q.weight", "attn.to_q.bias", "attn.to_k.weight", "attn.to_k.bias", "attn.to_v.weight", "attn.to_v.bias",
            "attn.norm_q.weight", "attn.norm_k.weight",
            "attn.add_q_proj.weight", "attn.add_q_proj.bias", "attn.add_k_proj.weight", "attn.add_k_proj.bias", "attn.add_v_proj.weight", "attn.add_v_proj.bias",
            "attn.norm_added_q.weight", "attn.norm_added_k.weight",
            "attn.to_out.0.weight", "attn.to_out.0.bias", "attn.to_add_out.weight", "attn.to_add_out.bias",
            "img_mlp.net.0.proj.weight", "img_mlp.net.0.proj.bias", "img_mlp.net.2.weight", "img_mlp.net.2.bias",
            "txt_mod.1.weight", "txt_mod.1.bias",
            "txt_mlp.net.0.proj.weight", "txt_mlp.net.0.proj.bias", "txt_mlp.net.2.weight", "txt_mlp.net.2.bias",
        ];
        string[] outside =
        [
            "time_text_embed.timestep_embedder.linear_1.weight", "time_text_embed.timestep_embedder.linear_1.bias",
            "time_text_embed.timestep_embedder.linear_2.weight", "time_text_embed.timestep_embedder.linear_2.bias",
            "txt_norm.weight", "img_in.weight", "img_in.bias", "txt_in.weight", "txt_in.bias",
            "norm_out.linear.weight", "norm_out.linear.bias", "proj_out.weight", "proj_out.bias",
        ];
        var expected = outside.Concat(block.Select(k => "transformer_blocks.0." + k)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Positions_CentreTheImage_AndPutTheTextJustPastIt()
    {
        // 3 x 4 tokens: rows r - (3 - 1) = -2..0, columns c - (4 - 2) = -2..1; text from max(3/2, 4/2) = 2.
        using var image = QwenImagePositions.ImageIds(3, 4);
        float[] expected =
        [
            0, -2, -2, 0, -2, -1, 0, -2, 0, 0, -2, 1,
            0, -1, -2, 0, -1, -1, 0, -1, 0, 0, -1, 1,
            0, 0, -2, 0, 0, -1, 0, 0, 0, 0, 0, 1,
        ];
        Assert.Equal(expected, image.data<float>().ToArray());
        using var text = QwenImagePositions.TextIds(3, 3, 4);
        Assert.Equal([2f, 2, 2, 3, 3, 3, 4, 4, 4], text.data<float>().ToArray());
    }

    [Fact]
    public void SaveAndLoad_RoundTripBitExact_AndAMissingBlockIsNamed()
    {
        var folder = Path.Combine(scratch.FullName, "transformer");
        transformer.SavePretrained(folder);
        using var loaded = QwenImageTransformer.FromPretrained(folder);
        using var expected = Generate(null);
        using var actual = Generate(null, loaded);
        Assert.True(actual.eq(expected).all().item<bool>());

        File.WriteAllText(Path.Combine(folder, "config.json"), Tiny(layers: 3).ToJson());
        var missing = Assert.Throws<WeightsLoadException>(() => QwenImageTransformer.FromPretrained(folder).Dispose());
        Assert.Contains("transformer_blocks.2.", missing.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "config.json"), Tiny(layers: 1).ToJson());
        var unexpected = Assert.Throws<WeightsLoadException>(() => QwenImageTransformer.FromPretrained(folder).Dispose());
        Assert.Contains("transformer_blocks.1.", unexpected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedVariants_AreRefusedNamingTheField()
    {
        var error = Assert.Throws<FormatException>(() => QwenImageTransformerConfig.Parse("""{"_class_name": "QwenImageTransformer2DModel", "zero_cond_t": true}"""));
        Assert.Contains("zero_cond_t", error.Message, StringComparison.Ordinal);
        Assert.Contains("_class_name", Assert.Throws<FormatException>(() => QwenImageTransformerConfig.Parse("""{"_class_name": "FluxTransformer2DModel"}""")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lesa_AtModelLevel_ForecastsWithAPredictorOfThisModel_AndShadowStepsChangeNothing()
    {
        var schedule = new FixedIntervalSchedule(4, warmup: 3);
        var times = new FlowMatchSchedule(Steps, TimestepShift.FluxDynamic, 12).Times.ToArray();
        manual_seed(12);
        using var predictor = new LesaHiCache.Lesa.LesaPredictor(
            new LesaHiCache.Lesa.LesaPredictorInfo
            {
                ModelFingerprint = LesaHiCache.Lesa.ModelFingerprint.Of(transformer),
                Steps = Steps,
                Times = times,
                Schedule = schedule.Name,
                FullSteps = LesaHiCache.Lesa.LesaPredictor.FullStepsOf(schedule, times),
                Config = new LesaHiCache.Lesa.LesaConfig { GainWidths = [8, 8] },
                CfgExperts = LesaHiCache.Lesa.LesaCfgExperts.PerHalf,
            },
            ModuleBuild.Cpu);
        using var plain = new CacheSession(predictor.CacheConfig());
        using var shadowed = new CacheSession(predictor.CacheConfig() with { ShadowSteps = new HashSet<int> { 4, 5, 9 } });
        using var expected = Generate(plain);
        using var actual = Generate(shadowed);
        Assert.Equal(12, plain.Statistics.ForecastSteps.Count);
        Assert.True(actual.eq(expected).all().item<bool>());
        Assert.Equal(3, shadowed.Statistics.ShadowErrors.Count);

        manual_seed(7);
        using var other = new QwenImageTransformer(Tiny(layers: 2));
        using var again = new CacheSession(predictor.CacheConfig());
        Assert.Throws<LesaHiCache.Lesa.LesaPredictorMismatchException>(() => Generate(again, other).Dispose());
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
    [InlineData(CacheLevel.Module, 4)]
    [InlineData(CacheLevel.Model, 1)]
    public void ForecastSteps_RunNoAttentionAndNoMlp_AndStayCloseToUncached(CacheLevel level, int items)
    {
        using var counter = new ProjectionCounter(transformer, "attn.to_q", "img_mlp.net.2", "txt_mlp.net.2");
        using var reference = Generate(null);
        Assert.All(counter.Counts, c => Assert.Equal(Steps, c.Value));
        counter.Reset();

        using var session = new CacheSession(new CacheConfig { Level = level, Forecaster = () => new TaylorSeer(2), Schedule = new FixedIntervalSchedule(4, warmup: 3) });
        using var cached = Generate(session);
        Assert.Equal(6, counter.Counts.Count); // 2 blocks x (to_q, img_mlp, txt_mlp)
        Assert.All(counter.Counts, c => Assert.Equal(session.Statistics.FullSteps.Count, c.Value)); // one batched CFG call per full step, none on forecast steps
        Assert.Equal(12, session.Statistics.ForecastSteps.Count);
        Assert.Equal(items, session.Statistics.Items); // module: 2 image items per block; model: the stack's output
        using var error = (cached - reference).abs().mean() / reference.abs().mean();
        Assert.InRange(error.item<float>(), 1e-6, 0.2);
    }
}
