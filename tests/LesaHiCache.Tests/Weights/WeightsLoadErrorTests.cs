using System.Text;
using System.Text.Json.Nodes;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Weights;

/// <summary>Every bad checkpoint raises <see cref="WeightsLoadException"/> naming key and file, and leaves the module untouched.</summary>
[Collection("TorchSharp")]
public sealed class WeightsLoadErrorTests : IDisposable
{
    private const string SingleFile = "diffusion_pytorch_model.safetensors";

    private readonly TempFolder temp = new();
    private readonly TinyTransformer target = TinyTransformer.Create(seed: 100);

    public void Dispose()
    {
        target.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void Missing_key_names_key_and_checkpoint()
    {
        SaveEdited(state => state.Remove("blocks.1.attn.to_k.bias"));

        var error = WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.MissingKeys, "blocks.1.attn.to_k.bias", SingleFile);
        Assert.Equal(["blocks.1.attn.to_k.bias"], error.Keys);
    }

    [Fact]
    public void Unexpected_key_names_key_and_shard()
    {
        using var extra = zeros(TinyTransformer.Dim, TinyTransformer.Dim);
        SaveEdited(state => state["blocks.2.attn.to_q.weight"] = extra, maxShardBytes: 2048);

        var error = WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.UnexpectedKeys, "blocks.2.attn.to_q.weight", "-of-");
        Assert.Matches(@"diffusion_pytorch_model-\d{5}-of-\d{5}\.safetensors$", error.FilePath);
    }

    [Fact]
    public void Shape_mismatch_names_key_and_both_shapes()
    {
        using var wrong = randn(16, 15);
        SaveEdited(state => state["blocks.0.ff.weight"] = wrong);

        var error = WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.ShapeMismatch, "blocks.0.ff.weight", SingleFile);
        Assert.Contains("[16, 15]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[16, 16]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exact_dtype_rejects_a_float16_checkpoint_for_a_float32_module()
    {
        using var half = TinyTransformer.Create(seed: 101, ScalarType.Float16);
        WeightsSaver.Save(half, temp.Path);

        var error = WeightsAssert.LoadFails(
            target, temp.Path, WeightsLoadErrorKind.DtypeMismatch, "proj_in.weight", SingleFile, new WeightsLoadOptions { ExactDtype = true });
        Assert.Contains("F16", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Integer_tensor_for_a_float_parameter_is_always_an_error()
    {
        using var ints = arange(16, dtype: ScalarType.Int32);
        SaveEdited(state => state["norm_out.weight"] = ints);

        var error = WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.DtypeMismatch, "norm_out.weight", SingleFile);
        Assert.Contains("I32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float_tensor_for_an_integer_buffer_is_an_error()
    {
        using var floats = zeros(4);
        SaveEdited(state => state["positions"] = floats);

        WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.DtypeMismatch, "positions", SingleFile);
    }

    [Fact]
    public void Truncated_tensor_data_names_file_and_key()
    {
        var path = temp.File("model.safetensors");
        using var source = TinyTransformer.Create(seed: 102);
        var saved = WeightsSaver.Save(source, path);
        var header = SafetensorsHeader.Read(path);
        var last = header.Tensors.Values.MaxBy(t => t.DataEnd)!;
        Truncate(path, 10);

        WeightsAssert.LoadFails(target, path, WeightsLoadErrorKind.Truncated, last.Name, "model.safetensors");
        Assert.Single(saved.Files);
    }

    [Fact]
    public void Header_longer_than_file_is_truncation()
    {
        var path = temp.File("short.safetensors");
        RawSafetensors.WithLengthPrefix(path, 1000, Encoding.UTF8.GetBytes("""{"a":{"dtype":"F32","""));

        WeightsAssert.LoadFails(target, path, WeightsLoadErrorKind.Truncated, null, "short.safetensors");
    }

    [Fact]
    public void File_shorter_than_length_prefix_is_truncation()
    {
        var path = temp.File("tiny.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        WeightsAssert.LoadFails(target, path, WeightsLoadErrorKind.Truncated, null, "tiny.safetensors");
    }

    [Fact]
    public void Bad_json_is_corrupt()
    {
        var path = temp.File("badjson.safetensors");
        RawSafetensors.Write(path, """{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]""", new byte[4]);

        WeightsAssert.LoadFails(target, path, WeightsLoadErrorKind.Corrupt, null, "badjson.safetensors");
    }

    [Fact]
    public void Absurd_header_length_is_corrupt()
    {
        var path = temp.File("absurd.safetensors");
        RawSafetensors.WithLengthPrefix(path, 1UL << 40, new byte[64]);

        var error = WeightsAssert.LoadFails(target, path, WeightsLoadErrorKind.Corrupt, null, "absurd.safetensors");
        Assert.Contains((1UL << 40).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_offsets_are_corrupt_and_name_the_keys()
    {
        var path = temp.File("overlap.safetensors");
        RawSafetensors.Write(
            path,
            """{"first":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"second":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""",
            new byte[16]);

        var error = WeightsAssert.LoadFails(target, path, WeightsLoadErrorKind.Corrupt, "second", "overlap.safetensors");
        Assert.Contains("'first'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_not_matching_dtype_times_shape_are_corrupt()
    {
        var path = temp.File("count.safetensors");
        RawSafetensors.Write(path, """{"w":{"dtype":"BF16","shape":[3,2],"data_offsets":[0,24]}}""", new byte[24]);

        var error = WeightsAssert.LoadFails(target, path, WeightsLoadErrorKind.Corrupt, "w", "count.safetensors");
        Assert.Contains("needs 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_dtype_is_corrupt_and_unloadable_dtype_is_reported()
    {
        var unknown = temp.File("unknown.safetensors");
        RawSafetensors.Write(unknown, """{"w":{"dtype":"F13","shape":[1],"data_offsets":[0,2]}}""", new byte[2]);
        WeightsAssert.LoadFails(target, unknown, WeightsLoadErrorKind.Corrupt, "w", "unknown.safetensors");

        var fp8 = temp.File("fp8.safetensors");
        RawSafetensors.Write(fp8, """{"proj_in.bias":{"dtype":"F8_E4M3","shape":[16],"data_offsets":[0,16]}}""", new byte[16]);
        WeightsAssert.LoadFails(
            target, fp8, WeightsLoadErrorKind.UnsupportedDtype, "proj_in.bias", "fp8.safetensors", new WeightsLoadOptions { Strict = false });
    }

    [Fact]
    public void Index_naming_a_missing_shard_names_the_shard()
    {
        using var source = TinyTransformer.Create(seed: 103);
        var saved = WeightsSaver.Save(source, temp.Path, new WeightsSaveOptions { MaxShardBytes = 2048 });
        File.Delete(saved.Files[1]);

        var error = WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.MissingShard, null, Path.GetFileName(saved.Files[1]));
        Assert.Equal(saved.Files[1], error.FilePath);
        Assert.NotEmpty(error.Keys);
    }

    [Fact]
    public void Truncated_last_shard_fails_before_any_shard_is_applied()
    {
        using var source = TinyTransformer.Create(seed: 104);
        var saved = WeightsSaver.Save(source, temp.Path, new WeightsSaveOptions { MaxShardBytes = 2048 });
        Assert.True(saved.Files.Count >= 3);
        var lastShard = saved.Files[^1];
        var lastKey = SafetensorsHeader.Read(lastShard).Tensors.Values.MaxBy(t => t.DataEnd)!.Name;
        Truncate(lastShard, 1);

        var error = WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.Truncated, lastKey, Path.GetFileName(lastShard));
        Assert.Equal(lastShard, error.FilePath);
    }

    [Fact]
    public void Index_mapping_a_key_to_the_wrong_shard_is_corrupt()
    {
        using var source = TinyTransformer.Create(seed: 105);
        var saved = WeightsSaver.Save(source, temp.Path, new WeightsSaveOptions { MaxShardBytes = 2048 });
        var index = JsonNode.Parse(File.ReadAllText(saved.IndexFile!))!;
        var map = index["weight_map"]!.AsObject();
        var key = map.First(kv => kv.Value!.GetValue<string>() == Path.GetFileName(saved.Files[0])).Key;
        map[key] = Path.GetFileName(saved.Files[1]);
        File.WriteAllText(saved.IndexFile!, index.ToJsonString());

        WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.Corrupt, key, Path.GetFileName(saved.Files[1]));
    }

    [Fact]
    public void Corrupt_index_json_names_the_index()
    {
        using var source = TinyTransformer.Create(seed: 106);
        WeightsSaver.Save(source, temp.Path, new WeightsSaveOptions { MaxShardBytes = 2048 });
        File.WriteAllText(temp.File("diffusion_pytorch_model.safetensors.index.json"), """{"weight_map": [1, 2]}""");

        WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.Corrupt, null, "diffusion_pytorch_model.safetensors.index.json");
    }

    [Fact]
    public void Folder_without_weights_is_not_found_and_hints_at_transformer_subfolder()
    {
        Directory.CreateDirectory(temp.File("transformer"));

        var error = WeightsAssert.LoadFails(target, temp.Path, WeightsLoadErrorKind.NotFound, null, SingleFile);
        Assert.Contains("transformer", error.Message, StringComparison.Ordinal);

        WeightsAssert.LoadFails(target, temp.File("nope.safetensors"), WeightsLoadErrorKind.NotFound, null, "nope.safetensors");
    }

    private void SaveEdited(Action<Dictionary<string, Tensor>> edit, long maxShardBytes = WeightsSaveOptions.DefaultMaxShardBytes)
    {
        using var source = TinyTransformer.Create(seed: 99);
        var state = source.state_dict();
        edit(state);
        WeightsSaver.Save(state, temp.Path, new WeightsSaveOptions { MaxShardBytes = maxShardBytes });
    }

    private static void Truncate(string path, int bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(stream.Length - bytes);
    }
}
