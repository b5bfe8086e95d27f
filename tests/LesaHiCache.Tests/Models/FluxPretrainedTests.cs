using LesaHiCache.Models.Flux;
using LesaHiCache.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

public sealed class FluxPretrainedTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("lesa-flux-");

    public void Dispose() => folder.Delete(recursive: true);

    [Theory]
    [InlineData(ScalarType.Float32, 1L << 40)]
    [InlineData(ScalarType.BFloat16, 4096L)]
    [InlineData(ScalarType.Float16, 4096L)]
    public void SaveThenFromPretrained_IsBitExact(ScalarType dtype, long maxShardBytes)
    {
        manual_seed(21);
        using var original = new FluxTransformer(TestConfigs.Tiny(guidance: true, layers: 2, singleLayers: 1));
        original.to(dtype);
        var saved = original.SavePretrained(folder.FullName, new WeightsSaveOptions { MaxShardBytes = maxShardBytes });
        Assert.Equal(maxShardBytes < 1L << 20, saved.IndexFile is not null);

        using var loaded = FluxTransformer.FromPretrained(folder.FullName, dtype);

        Assert.Equal(original.Config.ToJson(), loaded.Config.ToJson());
        var expected = original.state_dict();
        var actual = loaded.state_dict();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, kv =>
        {
            Assert.Equal(dtype, actual[kv.Key].dtype);
            Assert.True(kv.Value.eq(actual[kv.Key]).all().item<bool>(), kv.Key);
        });
        using var input = FluxTransformerTests.TinyInput(original.Config, batch: 2, guidance: true);
        using var expectedOutput = original.forward(input.Value);
        using var actualOutput = loaded.forward(input.Value);
        Assert.Equal(dtype, actualOutput.dtype);
        Assert.True(expectedOutput.eq(actualOutput).all().item<bool>());
    }

    [Fact]
    public void FromPretrained_ConvertsToTheRequestedDtype()
    {
        manual_seed(22);
        using var original = new FluxTransformer(TestConfigs.Tiny());
        original.SavePretrained(folder.FullName);
        using var loaded = FluxTransformer.FromPretrained(folder.FullName, ScalarType.BFloat16);
        Assert.All(loaded.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        using var expected = original.state_dict()["proj_out.weight"].to_type(ScalarType.BFloat16);
        Assert.True(expected.eq(loaded.state_dict()["proj_out.weight"]).all().item<bool>());
    }

    [Fact]
    public void FromPretrained_WithWeightsOfAnotherConfig_NamesTheMismatchedKey()
    {
        manual_seed(23);
        using (var other = new FluxTransformer(TestConfigs.Tiny() with { JointAttentionDim = 10 }))
        {
            other.SavePretrained(folder.FullName);
        }

        File.WriteAllText(Path.Combine(folder.FullName, "config.json"), TestConfigs.Tiny().ToJson());
        var error = Assert.Throws<WeightsLoadException>(() => FluxTransformer.FromPretrained(folder.FullName));
        Assert.Equal(WeightsLoadErrorKind.ShapeMismatch, error.Kind);
        Assert.Contains("context_embedder.weight", error.Message, StringComparison.Ordinal);
    }
}
