using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// Searched schedules on disk: one small JSON file holding the full steps and what they were
/// searched for (<see cref="SearchedScheduleInfo"/>), read by <c>evaluate --schedules file:PATH</c>.
/// Files are untrusted: their size, format and fields are checked before use.
/// </summary>
public static class ScheduleFile
{
    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string Format = "lesa-hicache-schedule";

    /// <summary>The file version this library writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Largest file read (a schedule of 10,000 steps is far smaller).</summary>
    public const long MaxBytes = 1 << 20;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // the search line reads "38.42 dB -> 44.44 dB", not "\u003E"
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter<CacheLevel>(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes <paramref name="schedule"/> to <paramref name="path"/> (replacing it).</summary>
    public static void Save(SearchedSchedule schedule, string path)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = schedule.Info;
        var document = new Document(Format, Version, [.. info.FullSteps], info.Steps, [.. info.Times], info.ModelFingerprint, info.ModelName, info.Method, info.Level, info.Search);
        UntrustedJsonFile.Write(path, document, JsonOptions);
    }

    /// <summary>Reads a schedule file; throws <see cref="FormatException"/> naming the file and the problem.</summary>
    public static SearchedSchedule Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var document = UntrustedJsonFile.Read<Document>(path, "schedule file", Format, Version, MaxBytes, JsonOptions, d => (d.Format, d.Version));
        if (document.FullSteps is null || document.Times is null || document.ModelFingerprint is null || document.Method is null)
        {
            throw new FormatException($"Schedule file '{path}' lacks fullSteps, times, modelFingerprint or method.");
        }

        if (document.Steps != document.Times.Length - 1)
        {
            throw new FormatException($"Schedule file '{path}': steps is {document.Steps} but it lists {document.Times.Length} times (steps + 1 expected).");
        }

        var info = new SearchedScheduleInfo(document.FullSteps, document.Times, document.ModelFingerprint, document.ModelName ?? "", document.Method, document.Level, document.Search ?? "");
        try
        {
            return new SearchedSchedule(info, path);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Schedule file '{path}': {e.Message}", e);
        }
    }

    private sealed record Document(
        string? Format,
        int Version,
        int[]? FullSteps,
        int Steps,
        double[]? Times,
        string? ModelFingerprint,
        string? ModelName,
        string? Method,
        CacheLevel Level,
        string? Search);
}
