using System.Globalization;

namespace LesaHiCache.Caching;

/// <summary>
/// A cached item: the transformer call of the step it belongs to (<see cref="Branch"/>: 0, or 0 and 1
/// when the sampler makes one call per CFG half) and the model's name for it (e.g. <c>hidden</c>,
/// <c>double3.img_attn</c>). Forecasters keep their state per key.
/// </summary>
/// <param name="Branch">The call within the step.</param>
/// <param name="Name">The model's name of the item.</param>
public readonly record struct CacheItemKey(int Branch, string Name)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Branch}:{Name}");

    /// <summary>Parses the <see cref="ToString"/> form "branch:name"; throws <see cref="FormatException"/> otherwise.</summary>
    public static CacheItemKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < text.Length - 1 && int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var branch)
            ? new CacheItemKey(branch, text[(colon + 1)..])
            : throw new FormatException($"'{text}' is not a cached item key of the form branch:name.");
    }
}
