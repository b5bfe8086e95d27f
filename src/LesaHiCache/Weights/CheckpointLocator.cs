namespace LesaHiCache.Weights;

/// <summary>Finds which files make up a checkpoint given a file or a diffusers model folder.</summary>
internal static class CheckpointLocator
{
    /// <summary>The files of a checkpoint: the index (when sharded) and the shard paths in load order.</summary>
    internal sealed record Layout(string Root, string? IndexFile, IReadOnlyDictionary<string, string>? WeightMap, IReadOnlyList<string> ShardFiles);

    /// <summary>
    /// Resolves <paramref name="pathOrFolder"/>: a <c>.safetensors</c> file, an <c>index.json</c> file, or a folder
    /// holding <c>{weightsName}.safetensors.index.json</c> (preferred, as in diffusers) or <c>{weightsName}.safetensors</c>.
    /// </summary>
    public static Layout Locate(string pathOrFolder, string weightsName)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrFolder);
        ArgumentException.ThrowIfNullOrEmpty(weightsName);
        var fullPath = Path.GetFullPath(pathOrFolder);

        if (Directory.Exists(fullPath))
        {
            var index = Path.Combine(fullPath, DiffusersWeightsNames.IndexFile(weightsName));
            if (File.Exists(index))
            {
                return FromIndex(index);
            }

            var single = Path.Combine(fullPath, DiffusersWeightsNames.SingleFile(weightsName));
            if (File.Exists(single))
            {
                return new Layout(single, null, null, [single]);
            }

            var hint = Directory.Exists(Path.Combine(fullPath, "transformer"))
                ? $" It has a 'transformer' subfolder; pass '{Path.Combine(fullPath, "transformer")}' to load a pipeline's transformer."
                : string.Empty;
            throw new WeightsLoadException(
                WeightsLoadErrorKind.NotFound,
                $"Folder '{fullPath}' holds neither '{DiffusersWeightsNames.IndexFile(weightsName)}' nor '{DiffusersWeightsNames.SingleFile(weightsName)}'.{hint}",
                fullPath);
        }

        if (!File.Exists(fullPath))
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.NotFound, $"Weights path '{fullPath}' does not exist.", fullPath);
        }

        return fullPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? FromIndex(fullPath)
            : new Layout(fullPath, null, null, [fullPath]);
    }

    private static Layout FromIndex(string indexPath)
    {
        var weightMap = ShardIndexFile.ReadWeightMap(indexPath);
        var folder = Path.GetDirectoryName(indexPath)!;
        var shards = new List<string>();
        foreach (var group in weightMap.GroupBy(entry => entry.Value, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var shardPath = Path.Combine(folder, group.Key);
            if (!File.Exists(shardPath))
            {
                var keys = group.Select(entry => entry.Key).Order(StringComparer.Ordinal).ToList();
                throw new WeightsLoadException(
                    WeightsLoadErrorKind.MissingShard,
                    $"Shard '{group.Key}' named by index '{indexPath}' does not exist (expected at '{shardPath}'); it should hold {keys.Count} tensor(s), e.g. '{keys[0]}'.",
                    shardPath,
                    keys);
            }

            shards.Add(shardPath);
        }

        return new Layout(indexPath, indexPath, weightMap, shards);
    }
}
