using System.Text.Encodings.Web;
using System.Text.Json;

namespace LesaHiCache.Weights;

/// <summary>Reads and writes diffusers/transformers <c>*.safetensors.index.json</c> files.</summary>
internal static class ShardIndexFile
{
    /// <summary>Reads the <c>weight_map</c> (key → shard file name) of an index file.</summary>
    public static IReadOnlyDictionary<string, string> ReadWeightMap(string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException ex)
        {
            throw Corrupt(indexPath, $"it is not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map)
                || map.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(indexPath, "it has no 'weight_map' object");
            }

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                var shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : null;
                if (string.IsNullOrEmpty(shard) || shard != Path.GetFileName(shard) || shard is "." or "..")
                {
                    throw Corrupt(indexPath, $"weight_map entry '{entry.Name}' is {entry.Value.GetRawText()}, expected a shard file name");
                }

                if (!weightMap.TryAdd(entry.Name, shard))
                {
                    throw Corrupt(indexPath, $"weight_map lists key '{entry.Name}' twice");
                }
            }

            return weightMap;
        }
    }

    /// <summary>
    /// Writes an index the way diffusers does (<c>json.dumps(index, indent=2, sort_keys=True) + "\n"</c>):
    /// <c>{"metadata": {"total_size": N}, "weight_map": {key: shard}}</c>, keys sorted ordinally.
    /// </summary>
    public static void Write(string indexPath, long totalSize, IReadOnlyDictionary<string, string> weightMap)
    {
        var options = new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            writer.WriteNumber("total_size", totalSize);
            writer.WriteEndObject();
            writer.WriteStartObject("weight_map");
            foreach (var key in weightMap.Keys.Order(StringComparer.Ordinal))
            {
                writer.WriteString(key, weightMap[key]);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        AtomicFile.WriteAllBytes(indexPath, buffer.ToArray());
    }

    private static WeightsLoadException Corrupt(string indexPath, string detail, Exception? inner = null) =>
        new(WeightsLoadErrorKind.Corrupt, $"Shard index '{indexPath}' is corrupt: {detail}.", indexPath, null, inner);
}
