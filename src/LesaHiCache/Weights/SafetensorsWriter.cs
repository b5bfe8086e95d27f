using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using TorchSharp;

namespace LesaHiCache.Weights;

/// <summary>
/// Writes one safetensors file, one tensor at a time.
/// </summary>
/// <remarks>
/// Written here rather than with TorchSharp.PyBridge's <c>Safetensors.SaveStateDict</c> (1.4.4), because that writer
/// emits no <c>__metadata__</c> (diffusers/transformers write <c>{"format": "pt"}</c> and some transformers versions
/// refuse files without it), does not pad the header
/// to 8-byte alignment as the reference implementation does, needs every tensor already converted and on the CPU at
/// once (twice the memory when saving in another dtype), and its path overload opens with <c>File.OpenWrite</c>,
/// which leaves stale trailing bytes when overwriting a larger file (verified).
/// </remarks>
internal static class SafetensorsWriter
{
    private const int CopyBufferBytes = 1 << 20;

    /// <summary>Bytes a tensor will take once converted to its written dtype.</summary>
    public static long ByteLength(torch.Tensor tensor, torch.ScalarType? floatDtype)
    {
        var type = WrittenType(tensor, floatDtype);
        return tensor.NumberOfElements * SafetensorsDType.ElementSize(SafetensorsDType.FromScalarType(type))!.Value;
    }

    /// <summary>The dtype a tensor is written in: <paramref name="floatDtype"/> for floating tensors when given, else its own.</summary>
    public static torch.ScalarType WrittenType(torch.Tensor tensor, torch.ScalarType? floatDtype) =>
        floatDtype is { } target && SafetensorsDType.IsFloatingPoint(tensor.dtype) ? target : tensor.dtype;

    /// <summary>Writes <paramref name="tensors"/> in order to <paramref name="path"/> (atomically); returns the data bytes written.</summary>
    public static long Write(
        string path,
        IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors,
        torch.ScalarType? floatDtype,
        IReadOnlyDictionary<string, string>? metadata)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Safetensors data is little-endian; big-endian hosts are not supported.");
        }

        var header = BuildHeader(tensors, floatDtype, metadata, out var dataBytes);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[SafetensorsHeader.LengthPrefixBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var (key, tensor) in tensors)
            {
                WriteData(stream, key, tensor, floatDtype);
            }

            if (stream.Position != SafetensorsHeader.LengthPrefixBytes + header.Length + dataBytes)
            {
                throw new InvalidOperationException($"Wrote {stream.Position} bytes to '{path}', expected {SafetensorsHeader.LengthPrefixBytes + header.Length + dataBytes}.");
            }
        });
        return dataBytes;
    }

    private static byte[] BuildHeader(
        IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors,
        torch.ScalarType? floatDtype,
        IReadOnlyDictionary<string, string>? metadata,
        out long dataBytes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("__metadata__");
            writer.WriteString("format", "pt");
            foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
            {
                if (name != "format")
                {
                    writer.WriteString(name, value);
                }
            }

            writer.WriteEndObject();
            long offset = 0;
            foreach (var (key, tensor) in tensors)
            {
                var length = ByteLength(tensor, floatDtype);
                writer.WriteStartObject(key);
                writer.WriteString("dtype", SafetensorsDType.FromScalarType(WrittenType(tensor, floatDtype)));
                writer.WriteStartArray("shape");
                foreach (var dim in tensor.shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += length;
            }

            writer.WriteEndObject();
            dataBytes = offset;
        }

        // Pad with spaces so the data section starts 8-byte aligned, as the reference implementation does.
        while ((SafetensorsHeader.LengthPrefixBytes + buffer.Length) % 8 != 0)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }

    private static void WriteData(Stream stream, string key, torch.Tensor tensor, torch.ScalarType? floatDtype)
    {
        using var scope = torch.NewDisposeScope();
        var data = tensor.detach();
        var type = WrittenType(tensor, floatDtype);
        if (data.dtype != type)
        {
            data = data.to(type);
        }

        if (data.device_type != DeviceType.CPU)
        {
            data = data.cpu();
        }

        data = data.contiguous();
        var before = stream.Position;
        data.WriteBytesToStream(stream, CopyBufferBytes);
        var expected = ByteLength(tensor, floatDtype);
        if (stream.Position - before != expected)
        {
            throw new InvalidOperationException($"Tensor '{key}' wrote {stream.Position - before} bytes, expected {expected}.");
        }
    }
}
