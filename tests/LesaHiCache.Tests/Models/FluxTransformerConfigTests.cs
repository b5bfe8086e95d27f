using LesaHiCache.Models.Flux;

namespace LesaHiCache.Tests.Models;

public class FluxTransformerConfigTests
{
    [Fact]
    public void Load_ReadsTheDiffusersFieldNames()
    {
        var config = FluxTransformerConfig.Load(Path.Combine(TestConfigs.FixturesFolder, "flux1-dev.transformer.config.json"));
        Assert.Equal(19, config.NumLayers);
        Assert.Equal(38, config.NumSingleLayers);
        Assert.Equal(3072, config.InnerDim);
        Assert.Equal(4096, config.JointAttentionDim);
        Assert.True(config.GuidanceEmbeds);
        Assert.Equal([16, 56, 56], config.AxesDimsRope);
    }

    [Fact]
    public void Json_RoundTrips()
    {
        var config = TestConfigs.Tiny(guidance: true);
        var again = FluxTransformerConfig.Parse(config.ToJson());
        Assert.Equal(config.ToJson(), again.ToJson());
        Assert.Contains("\"num_single_layers\": 1", config.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"attention_head_dim\": 64}", "axes_dims_rope")]
    [InlineData("{\"_class_name\": \"UNet2DConditionModel\"}", "_class_name")]
    [InlineData("{\"num_layers\": -1}", "num_layers")]
    [InlineData("{\"num_layers\": ", "not a valid")]
    public void Parse_RejectsBadConfigsNamingTheField(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => FluxTransformerConfig.Parse(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
