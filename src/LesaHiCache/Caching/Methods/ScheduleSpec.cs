using System.Globalization;
using System.Text.RegularExpressions;
using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Caching.Methods;

/// <summary>
/// A schedule named in text: a preset's name or <c>name:P1:P2...</c> with the parameters
/// <see cref="CacheMethods.Schedules"/> lists (see <see cref="CacheMethods.ScheduleHelp"/>). Steps in a
/// list are separated by ';' (',' separates schedules in a list of them).
/// </summary>
/// <param name="Text">The text it was parsed from.</param>
/// <param name="Schedule">The schedule.</param>
public sealed partial record ScheduleSpec(string Text, ICacheSchedule Schedule)
{
    /// <summary>Parses one schedule; throws <see cref="FormatException"/> naming the problem.</summary>
    public static ScheduleSpec Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var trimmed = text.Trim();
        var owner = $"Schedule '{trimmed}'";
        var parts = trimmed.Split(':');
        var entry = CacheMethods.FindSchedule(parts[0])
            ?? throw new FormatException($"Unknown schedule '{trimmed}'. Schedules: {string.Join(", ", CacheMethods.Schedules.Select(e => e.Syntax))}.");
        // A path (always the last parameter) is the whole rest of the text: it may hold ':' itself (C:\...).
        var given = parts.Skip(1).Select(p => p.Trim()).ToArray();
        var pathAt = entry.Parameters.Count - 1;
        if (pathAt >= 0 && entry.Parameters[pathAt].Kind == OptionKind.Path && given.Length > pathAt + 1)
        {
            var start = 0;
            for (var i = 0; i <= pathAt; i++)
            {
                start = trimmed.IndexOf(':', start) + 1;
            }

            given = [.. given.Take(pathAt), trimmed[start..].Trim()];
        }
        var required = entry.Parameters.Count(p => p.Default is null);
        if (given.Length < required || given.Length > entry.Parameters.Count)
        {
            throw new FormatException($"{owner}: {entry.Name} takes {(entry.Parameters.Count == 0 ? "no parameters" : entry.Syntax)}, got {given.Length} parameter(s).");
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entry.Parameters.Count; i++)
        {
            var parameter = entry.Parameters[i];
            if (i < given.Length)
            {
                values[parameter.Name] = parameter.Check(owner, given[i]);
            }
            else if (parameter.Default is { Length: > 0 } fallback)
            {
                values[parameter.Name] = fallback;
            }
        }

        try
        {
            return new ScheduleSpec(trimmed, entry.Create(new MethodArguments(values)));
        }
        catch (ArgumentException e)
        {
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new FormatException($"{owner}: {message.Split(Environment.NewLine)[0]}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{owner}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Parses a comma-separated list. A schedule with a numeric parameter written as a sweep,
    /// <c>A..B:N</c>, stands for N schedules with that parameter at N evenly spaced values from A to B
    /// (e.g. <c>teacache:0.1..0.6:6</c> is teacache:0.1, teacache:0.2, ..., teacache:0.6).
    /// </summary>
    public static IReadOnlyList<ScheduleSpec> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(Sweep).Select(Parse).ToList();
    }

    /// <summary>The schedule texts a sweep stands for (the text itself when it has none).</summary>
    public static IReadOnlyList<string> Sweep(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        var at = Array.FindIndex(parts, p => SweepRange().IsMatch(p.Trim()));
        if (at < 1)
        {
            return [text];
        }

        var range = SweepRange().Match(parts[at].Trim());
        var (from, to) = (double.Parse(range.Groups["from"].Value, CultureInfo.InvariantCulture), double.Parse(range.Groups["to"].Value, CultureInfo.InvariantCulture));
        if (at + 1 >= parts.Length || !int.TryParse(parts[at + 1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 2)
        {
            throw new FormatException($"Schedule '{text.Trim()}': a sweep {parts[at].Trim()} is followed by its number of values, 2 or more (e.g. {parts[0]}:{parts[at].Trim()}:6).");
        }

        if (parts.Skip(at + 2).Any(p => SweepRange().IsMatch(p.Trim())))
        {
            throw new FormatException($"Schedule '{text.Trim()}': sweep one parameter at a time.");
        }

        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var value = (from + ((to - from) * i / (count - 1))).ToString("G6", CultureInfo.InvariantCulture);
            return string.Join(':', [.. parts.Take(at), value, .. parts.Skip(at + 2)]);
        })];
    }

    [GeneratedRegex(@"^(?<from>-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\.\.(?<to>-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex SweepRange();
}
