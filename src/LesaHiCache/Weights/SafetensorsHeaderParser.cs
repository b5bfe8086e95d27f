using System.Text.Json;

namespace LesaHiCache.Weights;

/// <summary>Parses and validates the JSON part of a safetensors header.</summary>
internal static class SafetensorsHeaderParser
{
    private const string MetadataKey = "__metadata__";

    internal sealed record Result(
        IReadOnlyDictionary<string, string> Metadata,
        IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors);

    /// <summary>Parses <paramref name="json"/>; <paramref name="dataLength"/> is the number of bytes after the header.</summary>
    public static Result Parse(byte[] json, string file, long dataLength)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw Corrupt(file, null, "header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw Corrupt(file, null, $"header is not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(file, null, $"header JSON is a {document.RootElement.ValueKind}, expected an object");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Corrupt(file, property.Name, "the key appears twice in the header");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, file, metadata);
                    continue;
                }

                tensors.Add(property.Name, ReadEntry(property.Name, property.Value, file, dataLength));
            }

            CheckNoOverlap(tensors.Values, file);
            CheckNoHoles(tensors.Values, file, dataLength);
            return new Result(metadata, tensors);
        }
    }

    private static void ReadMetadata(JsonElement element, string file, Dictionary<string, string> metadata)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(file, MetadataKey, $"{MetadataKey} is a {element.ValueKind}, expected an object of strings");
        }

        foreach (var item in element.EnumerateObject())
        {
            // The spec says string -> string; keep other values' raw JSON rather than reject the file.
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                ? item.Value.GetString()!
                : item.Value.GetRawText();
        }
    }

    private static SafetensorsTensorInfo ReadEntry(string key, JsonElement entry, string file, long dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(file, key, $"entry is a {entry.ValueKind}, expected an object with dtype, shape and data_offsets");
        }

        if (!entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Corrupt(file, key, "entry has no string 'dtype'");
        }

        var dtype = dtypeElement.GetString()!;
        var elementSize = SafetensorsDType.ElementSize(dtype)
            ?? throw Corrupt(file, key, $"unknown dtype '{dtype}'");

        var shape = ReadIntegers(entry, "shape", key, file);
        var offsets = ReadIntegers(entry, "data_offsets", key, file);
        if (offsets.Length != 2)
        {
            throw Corrupt(file, key, $"data_offsets has {offsets.Length} values, expected 2");
        }

        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
        {
            throw Corrupt(file, key, $"data_offsets [{begin}, {end}] end before they begin");
        }

        long expectedBytes;
        try
        {
            expectedBytes = elementSize;
            foreach (var dim in shape)
            {
                expectedBytes = checked(expectedBytes * dim);
            }
        }
        catch (OverflowException ex)
        {
            throw Corrupt(file, key, $"shape {SafetensorsTensorInfo.FormatShape(shape)} is too large", ex);
        }

        if (end - begin != expectedBytes)
        {
            throw Corrupt(
                file,
                key,
                $"data_offsets [{begin}, {end}] span {end - begin} bytes but {dtype} x {SafetensorsTensorInfo.FormatShape(shape)} needs {expectedBytes}");
        }

        if (end > dataLength)
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.Truncated,
                $"Safetensors file '{file}' is truncated: tensor '{key}' needs data bytes [{begin}, {end}) but the data section has only {dataLength} bytes.",
                file,
                [key]);
        }

        return new SafetensorsTensorInfo(key, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement entry, string name, string key, string file)
    {
        if (!entry.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Corrupt(file, key, $"entry has no array '{name}'");
        }

        var values = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
            {
                throw Corrupt(file, key, $"'{name}' must hold non-negative integers, found {item.GetRawText()}");
            }

            values[i++] = value;
        }

        return values;
    }

    private static void CheckNoOverlap(IEnumerable<SafetensorsTensorInfo> tensors, string file)
    {
        SafetensorsTensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.DataBegin))
        {
            if (previous is not null && tensor.DataBegin < previous.DataEnd)
            {
                throw new WeightsLoadException(
                    WeightsLoadErrorKind.Corrupt,
                    $"Safetensors file '{file}' is corrupt: data of tensor '{tensor.Name}' [{tensor.DataBegin}, {tensor.DataEnd}) overlaps tensor '{previous.Name}' [{previous.DataBegin}, {previous.DataEnd}).",
                    file,
                    [tensor.Name, previous.Name]);
            }

            previous = tensor;
        }
    }

    /// <summary>The format requires the data section to be fully indexed: no bytes before, between or after the tensors.</summary>
    private static void CheckNoHoles(IEnumerable<SafetensorsTensorInfo> tensors, string file, long dataLength)
    {
        var position = 0L;
        foreach (var tensor in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.DataBegin))
        {
            if (tensor.DataBegin != position)
            {
                throw Corrupt(file, tensor.Name, $"the data section has {tensor.DataBegin - position} unindexed bytes before this tensor, at [{position}, {tensor.DataBegin}) (the format forbids holes)");
            }

            position = tensor.DataEnd;
        }

        if (position != dataLength)
        {
            throw Corrupt(file, null, $"{dataLength - position} bytes follow the last tensor's data (the format forbids trailing data)");
        }
    }

    private static WeightsLoadException Corrupt(string file, string? key, string detail, Exception? inner = null)
    {
        var where = key is null ? string.Empty : $" (tensor '{key}')";
        return new WeightsLoadException(
            WeightsLoadErrorKind.Corrupt,
            $"Safetensors file '{file}' is corrupt{where}: {detail}.",
            file,
            key is null ? null : [key],
            inner);
    }
}
