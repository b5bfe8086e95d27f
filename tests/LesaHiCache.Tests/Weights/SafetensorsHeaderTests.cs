using System.Buffers.Binary;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Weights;

[Collection("TorchSharp")]
public sealed class SafetensorsHeaderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Header_of_a_saved_file_has_hand_computed_dtypes_shapes_and_offsets()
    {
        using var scope = NewDisposeScope();
        manual_seed(20);
        var state = new Dictionary<string, Tensor>
        {
            ["a"] = randn(2, 3),                                // F32: 6 x 4 = 24 bytes -> [0, 24)
            ["b"] = randn(5).to(ScalarType.BFloat16),           // BF16: 5 x 2 = 10 bytes -> [24, 34)
            ["c"] = randn(4, 1).to(ScalarType.Float16),         // F16: 4 x 2 = 8 bytes -> [34, 42)
            ["d"] = tensor(7L),                                 // I64 scalar: 8 bytes -> [42, 50)
        };
        var path = temp.File("x.safetensors");
        WeightsSaver.Save(state, path);

        var header = SafetensorsHeader.Read(path);

        Assert.Equal(path, header.FilePath);
        Assert.Equal(["a", "b", "c", "d"], header.Tensors.Keys);
        AssertEntry(header.Tensors["a"], "F32", [2, 3], 0, 24);
        AssertEntry(header.Tensors["b"], "BF16", [5], 24, 34);
        AssertEntry(header.Tensors["c"], "F16", [4, 1], 34, 42);
        AssertEntry(header.Tensors["d"], "I64", [], 42, 50);
        Assert.Equal(ScalarType.BFloat16, header.Tensors["b"].ScalarType);
        Assert.Equal("pt", header.Metadata["format"]);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal((long)BinaryPrimitives.ReadUInt64LittleEndian(bytes), header.HeaderLength);
        Assert.Equal(8 + header.HeaderLength, header.DataStart);
        Assert.Equal(0, header.DataStart % 8);                 // header padded so data is 8-byte aligned
        Assert.Equal(header.DataStart + 50, bytes.Length);
        Assert.Equal(bytes.Length, header.FileLength);

        // The bytes at the offsets are exactly each tensor's little-endian data.
        foreach (var (key, tensor) in state)
        {
            var info = header.Tensors[key];
            var slice = bytes.AsSpan((int)(header.DataStart + info.DataBegin), (int)info.ByteLength);
            Assert.True(slice.SequenceEqual(StateSnapshot.Bytes(tensor)), key);
        }
    }

    [Fact]
    public void Reads_unpadded_header_with_metadata_and_zero_size_tensor()
    {
        var path = temp.File("raw.safetensors");
        RawSafetensors.Write(
            path,
            """{"empty":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]},"__metadata__":{"format":"pt","note":"hi"},"w":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}""",
            RawSafetensors.F16(1, 2, 3));

        var header = SafetensorsHeader.Read(path);

        Assert.Equal(["empty", "w"], header.Tensors.Keys);
        Assert.Equal("hi", header.Metadata["note"]);
        AssertEntry(header.Tensors["empty"], "F32", [0, 4], 0, 0);
        AssertEntry(header.Tensors["w"], "F16", [3], 0, 6);
        Assert.Equal(6, header.DataLength);
    }

    private static void AssertEntry(SafetensorsTensorInfo info, string dtype, long[] shape, long begin, long end)
    {
        Assert.Equal(dtype, info.DType);
        Assert.Equal(shape, info.Shape);
        Assert.Equal(begin, info.DataBegin);
        Assert.Equal(end, info.DataEnd);
        Assert.Equal(end - begin, info.ByteLength);
    }
}
