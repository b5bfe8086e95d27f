using TorchSharp;

namespace LesaHiCache.Weights;

/// <summary>
/// Saves weights as safetensors: to a single file, or to a folder in diffusers' layout
/// (<c>diffusion_pytorch_model.safetensors</c>, or <c>diffusion_pytorch_model-00001-of-0000N.safetensors</c> shards plus
/// <c>diffusion_pytorch_model.safetensors.index.json</c>). Tensors may live on any device; each is copied to host
/// memory one at a time while writing.
/// </summary>
public static class WeightsSaver
{
    /// <summary>Saves <paramref name="module"/>'s state dict (parameters and persistent buffers).</summary>
    /// <param name="module">The module to save.</param>
    /// <param name="path">A path ending in <c>.safetensors</c> for one file; otherwise a folder (created if needed).</param>
    /// <param name="options">Options; <see cref="WeightsSaveOptions.Default"/> when null.</param>
    /// <returns>What was written.</returns>
    public static WeightsSaveResult Save(torch.nn.Module module, string path, WeightsSaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Save(module.state_dict(), path, options);
    }

    /// <summary>Saves tensors by key, in enumeration order.</summary>
    /// <param name="stateDict">Tensors by key.</param>
    /// <param name="path">A path ending in <c>.safetensors</c> for one file; otherwise a folder (created if needed).</param>
    /// <param name="options">Options; <see cref="WeightsSaveOptions.Default"/> when null.</param>
    /// <returns>What was written.</returns>
    public static WeightsSaveResult Save(IReadOnlyDictionary<string, torch.Tensor> stateDict, string path, WeightsSaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= WeightsSaveOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxShardBytes, 1, nameof(options));
        if (options.DType is { } dtype && !SafetensorsDType.IsFloatingPoint(dtype))
        {
            throw new ArgumentException($"DType must be a floating-point type, got {dtype}.", nameof(options));
        }

        var tensors = stateDict.ToList();
        var fullPath = Path.GetFullPath(path);
        if (fullPath.EndsWith(DiffusersWeightsNames.SafetensorsExtension, StringComparison.OrdinalIgnoreCase))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            var bytes = SafetensorsWriter.Write(fullPath, tensors, options.DType, options.Metadata);
            return new WeightsSaveResult([fullPath], null, bytes);
        }

        return SaveFolder(tensors, fullPath, options);
    }

    private static WeightsSaveResult SaveFolder(List<KeyValuePair<string, torch.Tensor>> tensors, string folder, WeightsSaveOptions options)
    {
        Directory.CreateDirectory(folder);
        var byKey = tensors.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var shards = ShardPlanner.Plan(
            tensors.Select(t => (t.Key, SafetensorsWriter.ByteLength(t.Value, options.DType))),
            options.MaxShardBytes);

        var name = options.WeightsName;
        var files = new List<string>();
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        long totalBytes = 0;
        for (var i = 0; i < shards.Count; i++)
        {
            var fileName = shards.Count == 1
                ? DiffusersWeightsNames.SingleFile(name)
                : DiffusersWeightsNames.ShardFile(name, i + 1, shards.Count);
            var filePath = Path.Combine(folder, fileName);
            var shardTensors = shards[i].Select(k => new KeyValuePair<string, torch.Tensor>(k, byKey[k])).ToList();
            totalBytes += SafetensorsWriter.Write(filePath, shardTensors, options.DType, options.Metadata);
            files.Add(filePath);
            foreach (var key in shards[i])
            {
                weightMap[key] = fileName;
            }
        }

        string? indexPath = null;
        if (shards.Count > 1)
        {
            indexPath = Path.Combine(folder, DiffusersWeightsNames.IndexFile(name));
            ShardIndexFile.Write(indexPath, totalBytes, weightMap);
        }

        RemoveStaleFiles(folder, name, files, indexPath);
        return new WeightsSaveResult(files, indexPath, totalBytes);
    }

    /// <summary>
    /// Deletes weights files of an earlier save with the same name that this save did not write (as diffusers does),
    /// so that e.g. an old index.json cannot shadow a new single file.
    /// </summary>
    private static void RemoveStaleFiles(string folder, string name, List<string> written, string? indexPath)
    {
        var keep = new HashSet<string>(written, StringComparer.Ordinal);
        if (indexPath is not null)
        {
            keep.Add(indexPath);
        }

        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var fileName = Path.GetFileName(file);
            var ours = fileName == DiffusersWeightsNames.SingleFile(name)
                || fileName == DiffusersWeightsNames.IndexFile(name)
                || DiffusersWeightsNames.IsShardFile(name, fileName);
            if (ours && !keep.Contains(file))
            {
                File.Delete(file);
            }
        }
    }
}
