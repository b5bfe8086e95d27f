namespace LesaHiCache.Weights;

/// <summary>What <see cref="WeightsLoader"/> loaded.</summary>
public sealed class WeightsLoadResult
{
    internal WeightsLoadResult(
        IReadOnlyList<string> files,
        IReadOnlyList<string> loadedKeys,
        IReadOnlyList<string> convertedKeys,
        IReadOnlyList<string> missingKeys,
        IReadOnlyList<string> unexpectedKeys,
        long bytesRead)
    {
        Files = files;
        LoadedKeys = loadedKeys;
        ConvertedKeys = convertedKeys;
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        BytesRead = bytesRead;
    }

    /// <summary>Full paths of the safetensors files read.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Keys copied into the module.</summary>
    public IReadOnlyList<string> LoadedKeys { get; }

    /// <summary>Loaded keys whose checkpoint dtype differed from the parameter's and was converted.</summary>
    public IReadOnlyList<string> ConvertedKeys { get; }

    /// <summary>Module keys absent from the checkpoint (always empty when <see cref="WeightsLoadOptions.Strict"/>).</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Checkpoint keys absent from the module (always empty when <see cref="WeightsLoadOptions.Strict"/>).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Bytes of tensor data read from disk.</summary>
    public long BytesRead { get; }
}
