namespace LesaHiCache.Weights;

/// <summary>What <see cref="WeightsSaver"/> wrote.</summary>
public sealed class WeightsSaveResult
{
    internal WeightsSaveResult(IReadOnlyList<string> files, string? indexFile, long totalBytes)
    {
        Files = files;
        IndexFile = indexFile;
        TotalBytes = totalBytes;
    }

    /// <summary>Full paths of the safetensors files written, in shard order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Full path of the index.json written, or <c>null</c> when a single file was written.</summary>
    public string? IndexFile { get; }

    /// <summary>Bytes of tensor data written (the index's <c>metadata.total_size</c>).</summary>
    public long TotalBytes { get; }
}
