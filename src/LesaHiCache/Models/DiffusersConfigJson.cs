using System.Text.Json;
using System.Text.Json.Serialization;

namespace LesaHiCache.Models;

/// <summary>Reads and writes the diffusers <c>config.json</c> of a transformer config record (diffusers field names, nulls omitted).</summary>
internal static class DiffusersConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a <c>config.json</c> path or a folder holding one; <paramref name="model"/> names the architecture in errors.</summary>
    public static T Load<T>(string configOrFolder, string model)
        where T : class, IDiffusersConfig
    {
        ArgumentException.ThrowIfNullOrEmpty(configOrFolder);
        var path = Directory.Exists(configOrFolder) ? Path.Combine(configOrFolder, "config.json") : configOrFolder;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No {model} config at '{path}'.", path);
        }

        return Parse<T>(File.ReadAllText(path), path, model);
    }

    /// <summary>Parses and validates config JSON; <paramref name="source"/> names it in errors.</summary>
    public static T Parse<T>(string json, string source, string model)
        where T : class, IDiffusersConfig
    {
        T? config;
        try
        {
            config = JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not a valid {model} config ({e.Message}).", e);
        }

        if (config is null)
        {
            throw new FormatException($"{source}: empty config.");
        }

        config.Validate(source);
        return config;
    }

    public static string ToJson<T>(T config) => JsonSerializer.Serialize(config, Options);
}
