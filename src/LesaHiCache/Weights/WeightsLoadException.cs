namespace LesaHiCache.Weights;

/// <summary>
/// Raised when weights cannot be read or do not fit a module. Validation errors are raised before
/// any parameter is touched, so the module is unchanged when this is thrown (except for
/// <see cref="WeightsLoadErrorKind.ReadFailed"/>, which can only happen mid-copy).
/// </summary>
public sealed class WeightsLoadException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public WeightsLoadException()
        : this("Weights could not be loaded.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">Human-readable description.</param>
    public WeightsLoadException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">Human-readable description.</param>
    /// <param name="innerException">The underlying error.</param>
    public WeightsLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Keys = [];
    }

    /// <summary>Creates a fully described exception.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">Human-readable description (already names the file and key).</param>
    /// <param name="filePath">The file concerned, if known.</param>
    /// <param name="keys">The tensor keys concerned, if any.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public WeightsLoadException(
        WeightsLoadErrorKind kind,
        string message,
        string? filePath,
        IReadOnlyList<string>? keys = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        FilePath = filePath;
        Keys = keys ?? [];
    }

    /// <summary>What went wrong.</summary>
    public WeightsLoadErrorKind Kind { get; }

    /// <summary>The file (shard, index or folder) concerned, if known.</summary>
    public string? FilePath { get; }

    /// <summary>The first tensor key concerned, if any.</summary>
    public string? Key => Keys.Count > 0 ? Keys[0] : null;

    /// <summary>All tensor keys concerned (e.g. every missing key).</summary>
    public IReadOnlyList<string> Keys { get; }
}
