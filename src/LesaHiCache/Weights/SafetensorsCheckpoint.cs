namespace LesaHiCache.Weights;

/// <summary>
/// The validated headers of every file of a checkpoint (single file or shards + index), and which file holds each key.
/// Opening reads headers only, never tensor data.
/// </summary>
internal sealed class SafetensorsCheckpoint
{
    private readonly Dictionary<string, SafetensorsHeader> shardByKey;

    private SafetensorsCheckpoint(string root, string? indexFile, IReadOnlyList<SafetensorsHeader> shards, Dictionary<string, SafetensorsHeader> shardByKey)
    {
        Root = root;
        IndexFile = indexFile;
        Shards = shards;
        this.shardByKey = shardByKey;
    }

    /// <summary>The file the checkpoint was opened from: the index for sharded checkpoints, else the single file.</summary>
    public string Root { get; }

    /// <summary>Full path of the index.json, or <c>null</c> for a single-file checkpoint.</summary>
    public string? IndexFile { get; }

    /// <summary>Headers of every file, in load order.</summary>
    public IReadOnlyList<SafetensorsHeader> Shards { get; }

    /// <summary>Every tensor key of the checkpoint.</summary>
    public IReadOnlyCollection<string> Keys => shardByKey.Keys;

    /// <summary>
    /// Opens a checkpoint: a <c>.safetensors</c> file, an <c>index.json</c>, or a diffusers model folder
    /// (e.g. a pipeline's <c>transformer/</c>), and validates every file's header.
    /// When sharded, every key the index lists must be in the shard it names, and no key may be in two shards;
    /// keys present in a shard but absent from the index are kept (diffusers loads whole shard files).
    /// </summary>
    /// <param name="pathOrFolder">File or folder.</param>
    /// <param name="weightsName">Base weights name used to find files in a folder.</param>
    /// <returns>The opened checkpoint.</returns>
    /// <exception cref="WeightsLoadException">Files missing, truncated or corrupt, or the index inconsistent.</exception>
    public static SafetensorsCheckpoint Open(string pathOrFolder, string weightsName = DiffusersWeightsNames.DefaultWeightsName)
    {
        var layout = CheckpointLocator.Locate(pathOrFolder, weightsName);
        var headers = layout.ShardFiles.Select(SafetensorsHeader.Read).ToList();

        var shardByKey = new Dictionary<string, SafetensorsHeader>(StringComparer.Ordinal);
        foreach (var header in headers)
        {
            foreach (var key in header.Tensors.Keys)
            {
                if (!shardByKey.TryAdd(key, header))
                {
                    throw new WeightsLoadException(
                        WeightsLoadErrorKind.Corrupt,
                        $"Checkpoint '{layout.Root}' is corrupt: tensor '{key}' is in both '{shardByKey[key].FilePath}' and '{header.FilePath}'.",
                        header.FilePath,
                        [key]);
                }
            }
        }

        if (layout.WeightMap is not null)
        {
            CheckIndexAgreesWithShards(layout, headers);
        }

        return new SafetensorsCheckpoint(layout.Root, layout.IndexFile, headers, shardByKey);
    }

    /// <summary>Finds the file and header entry of <paramref name="key"/>.</summary>
    /// <param name="key">Tensor key.</param>
    /// <param name="shard">The header of the file holding the key.</param>
    /// <param name="tensor">The key's header entry.</param>
    /// <returns>Whether the key exists.</returns>
    public bool TryGetTensor(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafetensorsHeader? shard, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafetensorsTensorInfo? tensor)
    {
        if (shardByKey.TryGetValue(key, out shard))
        {
            tensor = shard.Tensors[key];
            return true;
        }

        tensor = null;
        return false;
    }

    private static void CheckIndexAgreesWithShards(CheckpointLocator.Layout layout, List<SafetensorsHeader> headers)
    {
        var byName = headers.ToDictionary(h => Path.GetFileName(h.FilePath), StringComparer.Ordinal);
        foreach (var (key, shardName) in layout.WeightMap!)
        {
            var header = byName[shardName];
            if (!header.Tensors.ContainsKey(key))
            {
                throw new WeightsLoadException(
                    WeightsLoadErrorKind.Corrupt,
                    $"Shard index '{layout.IndexFile}' is inconsistent: it maps tensor '{key}' to '{header.FilePath}', which does not contain it.",
                    header.FilePath,
                    [key]);
            }
        }
    }
}
