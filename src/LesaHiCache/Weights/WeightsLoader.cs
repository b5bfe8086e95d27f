using TorchSharp;
using TorchSharp.PyBridge;

namespace LesaHiCache.Weights;

/// <summary>
/// Loads safetensors weights (single file, or diffusers shards + index.json) into a module's parameters and buffers.
/// Every file's header is read and every key, shape and dtype checked before any tensor is touched, so a failed
/// validation leaves the module bit-for-bit unchanged. Data is then copied shard by shard, in batches of at most
/// <see cref="WeightsLoadOptions.ReadBatchBytes"/>, onto each tensor's own device and dtype.
/// </summary>
public static class WeightsLoader
{
    /// <summary>Loads weights into <paramref name="module"/>'s state dict (parameters and persistent buffers).</summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="pathOrFolder">A <c>.safetensors</c> file, an index.json, or a diffusers model folder.</param>
    /// <param name="options">Options; <see cref="WeightsLoadOptions.Default"/> when null.</param>
    /// <returns>What was loaded.</returns>
    /// <exception cref="WeightsLoadException">The checkpoint is unreadable or does not fit the module.</exception>
    public static WeightsLoadResult Load(torch.nn.Module module, string pathOrFolder, WeightsLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Load(module.state_dict(), pathOrFolder, options);
    }

    /// <summary>Loads weights into existing tensors, matched by key (e.g. a module's <c>state_dict()</c>).</summary>
    /// <param name="targets">Tensors to overwrite in place, by key.</param>
    /// <param name="pathOrFolder">A <c>.safetensors</c> file, an index.json, or a diffusers model folder.</param>
    /// <param name="options">Options; <see cref="WeightsLoadOptions.Default"/> when null.</param>
    /// <returns>What was loaded.</returns>
    /// <exception cref="WeightsLoadException">The checkpoint is unreadable or does not fit the targets.</exception>
    public static WeightsLoadResult Load(IReadOnlyDictionary<string, torch.Tensor> targets, string pathOrFolder, WeightsLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        options ??= WeightsLoadOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReadBatchBytes, 1, nameof(options));

        var checkpoint = SafetensorsCheckpoint.Open(pathOrFolder, options.WeightsName);
        var plan = WeightsLoadPlan.Create(checkpoint, targets, options);

        long bytesRead = 0;
        using (torch.no_grad())
        {
            foreach (var shard in checkpoint.Shards)
            {
                var copies = plan.Copies.Where(c => ReferenceEquals(c.Shard, shard)).OrderBy(c => c.Source.DataBegin);
                foreach (var batch in Batches(copies, options.ReadBatchBytes))
                {
                    bytesRead += CopyBatch(shard, batch);
                }
            }
        }

        return new WeightsLoadResult(
            checkpoint.Shards.Select(s => s.FilePath).ToList(),
            plan.Copies.Select(c => c.Source.Name).ToList(),
            plan.Copies.Where(c => c.Converts).Select(c => c.Source.Name).ToList(),
            plan.MissingKeys,
            plan.UnexpectedKeys,
            bytesRead);
    }

    private static long CopyBatch(SafetensorsHeader shard, List<WeightsLoadPlan.Copy> batch)
    {
        using var scope = torch.NewDisposeScope();
        Dictionary<string, torch.Tensor> loaded;
        try
        {
            // PyBridge reads each requested tensor into a new CPU tensor of the file's dtype (F32/F16/BF16/I64/... all
            // verified bit-exact). Headers were validated by SafetensorsHeader beforehand, so this only reads data.
            loaded = Safetensors.LoadStateDict(shard.FilePath, batch.Select(c => c.Source.Name).ToList());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotImplementedException or System.Text.Json.JsonException)
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.ReadFailed,
                $"Reading tensor data from '{shard.FilePath}' failed after its header validated (file changed on disk?); the module may be partially loaded.",
                shard.FilePath,
                batch.Select(c => c.Source.Name).ToList(),
                ex);
        }

        long bytes = 0;
        foreach (var copy in batch)
        {
            // copy_ converts dtype and moves across devices; the target keeps its own device and dtype.
            copy.Target.copy_(loaded[copy.Source.Name]);
            bytes += copy.Source.ByteLength;
        }

        return bytes;
    }

    private static IEnumerable<List<WeightsLoadPlan.Copy>> Batches(IEnumerable<WeightsLoadPlan.Copy> copies, long maxBytes)
    {
        var batch = new List<WeightsLoadPlan.Copy>();
        long batchBytes = 0;
        foreach (var copy in copies)
        {
            if (batch.Count > 0 && batchBytes + copy.Source.ByteLength > maxBytes)
            {
                yield return batch;
                batch = [];
                batchBytes = 0;
            }

            batch.Add(copy);
            batchBytes += copy.Source.ByteLength;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
