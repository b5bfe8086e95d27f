using System.Buffers.Binary;
using System.Text;
using LesaHiCache.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Weights;

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lesahicache-weights-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>Raw bytes of every state-dict entry, to prove a module is (un)changed bit for bit.</summary>
public sealed class StateSnapshot
{
    private readonly Dictionary<string, (ScalarType Type, long[] Shape, byte[] Bytes)> entries;

    private StateSnapshot(Dictionary<string, (ScalarType, long[], byte[])> entries) => this.entries = entries;

    public static StateSnapshot Of(IReadOnlyDictionary<string, Tensor> state) =>
        new(state.ToDictionary(kv => kv.Key, kv => (kv.Value.dtype, kv.Value.shape, Bytes(kv.Value))));

    public static StateSnapshot Of(nn.Module module) => Of(module.state_dict());

    public static byte[] Bytes(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().cpu().contiguous().bytes.ToArray();
    }

    /// <summary>Asserts that <paramref name="module"/>'s state equals this snapshot bit for bit.</summary>
    public void AssertEquals(nn.Module module) => AssertEquals(Of(module));

    public void AssertEquals(StateSnapshot other)
    {
        Assert.Equal(entries.Keys.Order(StringComparer.Ordinal), other.entries.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, (type, shape, bytes)) in entries)
        {
            var (otherType, otherShape, otherBytes) = other.entries[key];
            Assert.True(type == otherType, $"{key}: dtype {type} vs {otherType}");
            Assert.Equal(shape, otherShape);
            Assert.True(bytes.AsSpan().SequenceEqual(otherBytes), $"{key}: bytes differ");
        }
    }

    public byte[] this[string key] => entries[key].Bytes;
}

/// <summary>Writes safetensors files by hand, independent of the library's writer.</summary>
public static class RawSafetensors
{
    public static void Write(string path, string headerJson, byte[] data) =>
        WithLengthPrefix(path, (ulong)Encoding.UTF8.GetByteCount(headerJson), Encoding.UTF8.GetBytes(headerJson), data);

    public static void WithLengthPrefix(string path, ulong headerLength, params byte[][] rest)
    {
        using var stream = File.Create(path);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, headerLength);
        stream.Write(prefix);
        foreach (var part in rest)
        {
            stream.Write(part);
        }
    }

    public static byte[] F32(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] F16(params float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
        }

        return bytes;
    }

    /// <summary>bfloat16 = the top 16 bits of the float32 (exact for the values used in tests).</summary>
    public static byte[] BF16(params float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(values[i]);
            Assert.Equal(0u, bits & 0xFFFF);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)(bits >> 16));
        }

        return bytes;
    }

    public static byte[] I64(params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}

public static class WeightsAssert
{
    /// <summary>Asserts that loading throws <see cref="WeightsLoadException"/> of <paramref name="kind"/> naming the key and file, and that the module is unchanged.</summary>
    public static WeightsLoadException LoadFails(
        nn.Module module,
        string path,
        WeightsLoadErrorKind kind,
        string? key,
        string fileNameInMessage,
        WeightsLoadOptions? options = null)
    {
        var before = StateSnapshot.Of(module);
        var error = Assert.Throws<WeightsLoadException>(() => WeightsLoader.Load(module, path, options));
        Assert.Equal(kind, error.Kind);
        Assert.Contains(fileNameInMessage, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.FilePath);
        if (key is not null)
        {
            Assert.Contains(key, error.Keys);
            Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        }

        before.AssertEquals(module);
        return error;
    }
}
