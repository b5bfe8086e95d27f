using System.Text.Json;
using LesaHiCache.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Weights;

[Collection("TorchSharp")]
public sealed class WeightsRoundTripTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void Single_file_round_trips_bit_exactly(ScalarType dtype)
    {
        using var source = TinyTransformer.Create(seed: 1, dtype);
        using var target = TinyTransformer.Create(seed: 2, dtype);
        var saved = WeightsSaver.Save(source, temp.Path);

        Assert.Equal([temp.File("diffusion_pytorch_model.safetensors")], saved.Files);
        Assert.Null(saved.IndexFile);
        Assert.Equal(["diffusion_pytorch_model.safetensors"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));

        var result = WeightsLoader.Load(target, temp.Path);

        StateSnapshot.Of(source).AssertEquals(target);
        Assert.Equal(source.state_dict().Count, result.LoadedKeys.Count);
        Assert.Empty(result.ConvertedKeys);
        Assert.Equal(saved.TotalBytes, result.BytesRead);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void Sharded_folder_round_trips_bit_exactly(ScalarType dtype)
    {
        using var source = TinyTransformer.Create(seed: 3, dtype);
        using var target = TinyTransformer.Create(seed: 4, dtype);
        var saved = WeightsSaver.Save(source, temp.Path, new WeightsSaveOptions { MaxShardBytes = 2048 });

        Assert.True(saved.Files.Count >= 2, $"expected >= 2 shards, got {saved.Files.Count}");
        Assert.Equal(temp.File("diffusion_pytorch_model.safetensors.index.json"), saved.IndexFile);
        Assert.False(File.Exists(temp.File("diffusion_pytorch_model.safetensors")));

        var result = WeightsLoader.Load(target, temp.Path);

        StateSnapshot.Of(source).AssertEquals(target);
        Assert.Equal(saved.Files, result.Files);
        Assert.Equal(saved.TotalBytes, result.BytesRead);
    }

    [Fact]
    public void Sharded_layout_follows_diffusers_naming_and_index_format()
    {
        using var source = TinyTransformer.Create(seed: 5);
        const long maxShard = 2048;
        var saved = WeightsSaver.Save(source, temp.Path, new WeightsSaveOptions { MaxShardBytes = maxShard });
        var count = saved.Files.Count;

        var expectedNames = Enumerable.Range(1, count)
            .Select(i => $"diffusion_pytorch_model-{i:D5}-of-{count:D5}.safetensors")
            .ToList();
        Assert.Equal(expectedNames, saved.Files.Select(Path.GetFileName));

        using var index = JsonDocument.Parse(File.ReadAllText(saved.IndexFile!));
        var weightMap = index.RootElement.GetProperty("weight_map").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var state = source.state_dict();
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), weightMap.Keys);

        long total = 0;
        foreach (var file in saved.Files)
        {
            var header = SafetensorsHeader.Read(file);
            var mapped = weightMap.Where(kv => kv.Value == Path.GetFileName(file)).Select(kv => kv.Key).Order(StringComparer.Ordinal);
            Assert.Equal(mapped, header.Tensors.Keys.Order(StringComparer.Ordinal));
            var shardBytes = header.Tensors.Values.Sum(t => t.ByteLength);
            Assert.True(shardBytes <= maxShard, $"{file} holds {shardBytes} bytes");
            Assert.Equal("pt", header.Metadata["format"]);
            total += shardBytes;
        }

        Assert.Equal(total, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        Assert.Equal(total, saved.TotalBytes);
        Assert.EndsWith("}\n", File.ReadAllText(saved.IndexFile!), StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_from_explicit_file_and_index_paths()
    {
        using var source = TinyTransformer.Create(seed: 6);
        var single = temp.File("model.safetensors");
        WeightsSaver.Save(source, single);
        var sharded = WeightsSaver.Save(source, temp.File("sharded"), new WeightsSaveOptions { MaxShardBytes = 4096 });

        using var fromFile = TinyTransformer.Create(seed: 7);
        WeightsLoader.Load(fromFile, single);
        StateSnapshot.Of(source).AssertEquals(fromFile);

        using var fromIndex = TinyTransformer.Create(seed: 8);
        WeightsLoader.Load(fromIndex, sharded.IndexFile!);
        StateSnapshot.Of(source).AssertEquals(fromIndex);
    }

    [Fact]
    public void Tiny_read_batches_still_load_exactly()
    {
        using var source = TinyTransformer.Create(seed: 9, ScalarType.BFloat16);
        using var target = TinyTransformer.Create(seed: 10, ScalarType.BFloat16);
        WeightsSaver.Save(source, temp.Path, new WeightsSaveOptions { MaxShardBytes = 3000 });

        WeightsLoader.Load(target, temp.Path, new WeightsLoadOptions { ReadBatchBytes = 1 });

        StateSnapshot.Of(source).AssertEquals(target);
    }

    [Fact]
    public void Floating_tensors_convert_to_module_dtype_by_default()
    {
        using var source = TinyTransformer.Create(seed: 11, ScalarType.Float32);
        using var target = TinyTransformer.Create(seed: 12, ScalarType.BFloat16);
        using var expected = TinyTransformer.Create(seed: 11, ScalarType.Float32);
        expected.to(ScalarType.BFloat16);
        WeightsSaver.Save(source, temp.Path);

        var result = WeightsLoader.Load(target, temp.Path);

        StateSnapshot.Of(expected).AssertEquals(target);
        Assert.DoesNotContain("positions", result.ConvertedKeys);
        Assert.Contains("blocks.0.attn.to_q.weight", result.ConvertedKeys);
        Assert.Equal(source.state_dict().Count - 1, result.ConvertedKeys.Count);
    }

    [Fact]
    public void Save_dtype_option_converts_floating_tensors_only()
    {
        using var source = TinyTransformer.Create(seed: 13, ScalarType.Float32);
        using var expected = TinyTransformer.Create(seed: 13, ScalarType.Float32);
        expected.to(ScalarType.Float16);
        var saved = WeightsSaver.Save(source, temp.File("half.safetensors"), new WeightsSaveOptions { DType = ScalarType.Float16 });

        var header = SafetensorsHeader.Read(saved.Files[0]);
        Assert.Equal("I64", header.Tensors["positions"].DType);
        Assert.All(header.Tensors.Values.Where(t => t.Name != "positions"), t => Assert.Equal("F16", t.DType));

        using var target = TinyTransformer.Create(seed: 14, ScalarType.Float16);
        WeightsLoader.Load(target, saved.Files[0], new WeightsLoadOptions { ExactDtype = true });
        StateSnapshot.Of(expected).AssertEquals(target);
    }

    [Fact]
    public void Resaving_a_folder_removes_stale_shards_and_index()
    {
        using var first = TinyTransformer.Create(seed: 15);
        using var second = TinyTransformer.Create(seed: 16);
        WeightsSaver.Save(first, temp.Path, new WeightsSaveOptions { MaxShardBytes = 2048 });
        File.WriteAllText(temp.File("config.json"), "{}");

        WeightsSaver.Save(second, temp.Path);

        Assert.Equal(
            ["config.json", "diffusion_pytorch_model.safetensors"],
            Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var target = TinyTransformer.Create(seed: 17);
        WeightsLoader.Load(target, temp.Path);
        StateSnapshot.Of(second).AssertEquals(target);
    }

    [Fact]
    public void Non_strict_load_reports_missing_and_unexpected_keys()
    {
        using var source = TinyTransformer.Create(seed: 18);
        var state = source.state_dict();
        state.Remove("proj_out.bias");
        using var extra = zeros(3);
        state["extra.weight"] = extra;
        WeightsSaver.Save(state, temp.Path);

        using var target = TinyTransformer.Create(seed: 19);
        var before = StateSnapshot.Of(target);
        var result = WeightsLoader.Load(target, temp.Path, new WeightsLoadOptions { Strict = false });

        Assert.Equal(["proj_out.bias"], result.MissingKeys);
        Assert.Equal(["extra.weight"], result.UnexpectedKeys);
        var after = StateSnapshot.Of(target);
        Assert.Equal(before["proj_out.bias"], after["proj_out.bias"]);
        Assert.Equal(StateSnapshot.Of(source)["proj_out.weight"], after["proj_out.weight"]);
    }
}
