using System.Text.Json;

namespace LesaHiCache.Models;

/// <summary>Reads which diffusers class a transformer <c>config.json</c> describes, to pick the model type that loads it.</summary>
public static class DiffusersClassName
{
    /// <summary>The config's <c>_class_name</c>, or null when the file is missing, not JSON or does not say (the loader then reports what is wrong).</summary>
    public static string? Of(string configFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(configFile);
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(configFile));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("_class_name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
