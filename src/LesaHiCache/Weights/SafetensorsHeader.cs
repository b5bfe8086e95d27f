using System.Buffers.Binary;

namespace LesaHiCache.Weights;

/// <summary>
/// The parsed and validated header of one safetensors file: an 8-byte little-endian header length,
/// then that many bytes of JSON mapping each tensor key to dtype, shape and data_offsets
/// (plus an optional <c>__metadata__</c> string map), then the raw tensor data.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>Largest header accepted, in bytes (the same limit as the reference safetensors implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Size of the little-endian header-length prefix.</summary>
    public const int LengthPrefixBytes = 8;

    private SafetensorsHeader(
        string filePath,
        long fileLength,
        long headerLength,
        IReadOnlyDictionary<string, string> metadata,
        IReadOnlyDictionary<string, SafetensorsTensorInfo> tensors)
    {
        FilePath = filePath;
        FileLength = fileLength;
        HeaderLength = headerLength;
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>Full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>Length of the whole file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Length of the JSON header in bytes (the value of the 8-byte prefix).</summary>
    public long HeaderLength { get; }

    /// <summary>Absolute file offset where the data section starts (8 + <see cref="HeaderLength"/>).</summary>
    public long DataStart => LengthPrefixBytes + HeaderLength;

    /// <summary>Length of the data section in bytes.</summary>
    public long DataLength => FileLength - DataStart;

    /// <summary>The <c>__metadata__</c> entries (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor entries by key, in header order.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>
    /// Reads and validates the header of a safetensors file without reading tensor data.
    /// Checks the header length against the file length and <see cref="MaxHeaderBytes"/>, the JSON,
    /// every entry's dtype/shape/offsets, that each byte range equals element count × element size,
    /// that ranges do not overlap, and that every range lies within the file.
    /// </summary>
    /// <param name="path">Path of the <c>.safetensors</c> file.</param>
    /// <returns>The validated header.</returns>
    /// <exception cref="WeightsLoadException">
    /// <see cref="WeightsLoadErrorKind.NotFound"/>, <see cref="WeightsLoadErrorKind.Truncated"/> or
    /// <see cref="WeightsLoadErrorKind.Corrupt"/>; the message names the file and, when known, the key.
    /// </exception>
    public static SafetensorsHeader Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.NotFound, $"Safetensors file '{fullPath}' does not exist.", fullPath);
        }

        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        var fileLength = stream.Length;
        if (fileLength < LengthPrefixBytes)
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.Truncated,
                $"Safetensors file '{fullPath}' is truncated: it is {fileLength} bytes long, shorter than the 8-byte header length prefix.",
                fullPath);
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.Corrupt,
                $"Safetensors file '{fullPath}' is corrupt: header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit (not a safetensors file?).",
                fullPath);
        }

        if ((long)headerLength > fileLength - LengthPrefixBytes)
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.Truncated,
                $"Safetensors file '{fullPath}' is truncated: header length is {headerLength} bytes but only {fileLength - LengthPrefixBytes} bytes follow the prefix.",
                fullPath);
        }

        var json = new byte[(int)headerLength];
        stream.ReadExactly(json);
        var dataLength = fileLength - LengthPrefixBytes - (long)headerLength;
        var parsed = SafetensorsHeaderParser.Parse(json, fullPath, dataLength);
        return new SafetensorsHeader(fullPath, fileLength, (long)headerLength, parsed.Metadata, parsed.Tensors);
    }
}
