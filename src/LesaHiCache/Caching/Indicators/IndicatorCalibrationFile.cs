using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LesaHiCache.Caching.Indicators;

/// <summary>
/// Indicator calibrations on disk: one small JSON file per indicator, kept in the model folder as
/// <c>calibration/teacache.json</c> and <c>calibration/magcache.json</c> (<see cref="DefaultPath"/>),
/// written by <c>lesa-hicache calibrate</c>. Files are untrusted: size, format and values are checked.
/// </summary>
public static class IndicatorCalibrationFile
{
    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string Format = "lesa-hicache-calibration";

    /// <summary>The file version this library writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Largest file read.</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Most values a file may hold (a ratio per step of a 10,000-step sampler).</summary>
    public const int MaxValues = 10_000;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter<IndicatorKind>(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Where a model folder keeps the calibration of <paramref name="indicator"/>.</summary>
    public static string DefaultPath(string modelFolder, IndicatorKind indicator)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        return Path.Combine(modelFolder, "calibration", indicator == IndicatorKind.TeaCache ? "teacache.json" : "magcache.json");
    }

    /// <summary>Writes <paramref name="calibration"/> to <paramref name="path"/> (replacing it; the folder is created).</summary>
    public static void Save(IndicatorCalibration calibration, string path)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var document = new Document(Format, Version, calibration.Indicator, [.. calibration.Values], calibration.ModelName, calibration.ModelFingerprint, calibration.Setup, calibration.Steps, calibration.Samples, calibration.Fit);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        UntrustedJsonFile.Write(path, document, JsonOptions);
    }

    /// <summary>Reads a calibration file; throws <see cref="FormatException"/> naming the file and the problem.</summary>
    public static IndicatorCalibration Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var document = UntrustedJsonFile.Read<Document>(path, "calibration file", Format, Version, MaxBytes, JsonOptions, d => (d.Format, d.Version), ": run lesa-hicache calibrate for the model first");
        if (document.Indicator is not { } indicator || !Enum.IsDefined(indicator) || document.Values is null || document.ModelFingerprint is null)
        {
            throw new FormatException($"Calibration file '{path}' lacks indicator, values or modelFingerprint.");
        }

        if (document.Values.Length is 0 or > MaxValues || document.Values.Any(v => !double.IsFinite(v)))
        {
            throw new FormatException($"Calibration file '{path}': values must be 1 to {MaxValues:N0} finite numbers, got {document.Values.Length}.");
        }

        if (indicator == IndicatorKind.MagCache && (document.Values.Length != document.Steps || document.Values.Any(v => v <= 0)))
        {
            throw new FormatException($"Calibration file '{path}': a MagCache curve holds one positive ratio per step ({document.Steps}), got {document.Values.Length} values.");
        }

        return new IndicatorCalibration(indicator, document.Values, document.ModelName ?? "", document.ModelFingerprint, document.Setup ?? "", document.Steps, document.Samples ?? "", document.Fit ?? "");
    }

    private sealed record Document(
        string? Format,
        int Version,
        IndicatorKind? Indicator,
        double[]? Values,
        string? ModelName,
        string? ModelFingerprint,
        string? Setup,
        int Steps,
        string? Samples,
        string? Fit);
}
