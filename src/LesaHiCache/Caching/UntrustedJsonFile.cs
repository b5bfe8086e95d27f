using System.Text.Json;

namespace LesaHiCache.Caching;

/// <summary>
/// The small JSON files the library keeps beside models (schedule files, calibrations): written whole
/// or not at all, and read as the untrusted input they are: the size is checked before reading, then
/// the JSON, the format field and the version, each failure a <see cref="FormatException"/> naming the file.
/// </summary>
internal static class UntrustedJsonFile
{
    /// <summary>Writes <paramref name="document"/> to <paramref name="path"/> through a temporary file, replacing it in one move.</summary>
    public static void Write<T>(string path, T document, JsonSerializerOptions options)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, options) + Environment.NewLine);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads <paramref name="path"/> as a <typeparamref name="T"/> of format <paramref name="format"/>, version <paramref name="version"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">What the file is, lower case ("schedule file").</param>
    /// <param name="format">The expected format field.</param>
    /// <param name="version">The version this library reads.</param>
    /// <param name="maxBytes">The largest file read.</param>
    /// <param name="options">The serializer options.</param>
    /// <param name="header">The document's format and version fields.</param>
    /// <param name="whenMissing">Appended to the message of a missing file (e.g. how to make one).</param>
    public static T Read<T>(string path, string kind, string format, int version, long maxBytes, JsonSerializerOptions options, Func<T, (string? Format, int Version)> header, string whenMissing = "")
        where T : class
    {
        var title = char.ToUpperInvariant(kind[0]) + kind[1..];
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"{title} '{path}' does not exist{whenMissing}.", path);
        }

        if (file.Length > maxBytes)
        {
            throw new FormatException($"{title} '{path}' is {file.Length:N0} bytes; a {kind} is at most {maxBytes:N0}.");
        }

        T? document;
        try
        {
            document = JsonSerializer.Deserialize<T>(File.ReadAllText(path), options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{title} '{path}' is not valid JSON: {e.Message}", e);
        }

        if (document is null)
        {
            throw new FormatException($"{title} '{path}' is empty (JSON null).");
        }

        var (actualFormat, actualVersion) = header(document);
        if (actualFormat != format)
        {
            throw new FormatException($"'{path}' is not a {kind} (its format is '{actualFormat}', expected '{format}').");
        }

        if (actualVersion != version)
        {
            throw new FormatException($"{title} '{path}' has version {actualVersion}; this library reads version {version}.");
        }

        return document;
    }
}
