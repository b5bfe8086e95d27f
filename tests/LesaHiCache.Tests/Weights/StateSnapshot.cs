using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Weights;

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
