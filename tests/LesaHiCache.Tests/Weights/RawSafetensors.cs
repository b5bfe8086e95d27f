using System.Buffers.Binary;
using System.Text;

namespace LesaHiCache.Tests.Weights;

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
