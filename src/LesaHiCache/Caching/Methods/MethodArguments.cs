using System.Globalization;

namespace LesaHiCache.Caching.Methods;

/// <summary>The checked option values of one forecaster or schedule, defaults filled in.</summary>
public sealed class MethodArguments
{
    private readonly Dictionary<string, string> values;

    internal MethodArguments(Dictionary<string, string> values) => this.values = values;

    /// <summary>An integer option.</summary>
    public int Integer(string name) => int.Parse(Value(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>A number option.</summary>
    public double Number(string name) => double.Parse(Value(name), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A choice option, lower case.</summary>
    public string Choice(string name) => Value(name).ToLowerInvariant();

    /// <summary>An integer-list option.</summary>
    public IReadOnlyList<int> Integers(string name) =>
        [.. Value(name).Split(';', ',').Select(v => int.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))];

    /// <summary>The option's text, or null when it was not given and has no default.</summary>
    public string? Optional(string name) => values.GetValueOrDefault(name);

    private string Value(string name) => values.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No value for option '{name}'.");
}
