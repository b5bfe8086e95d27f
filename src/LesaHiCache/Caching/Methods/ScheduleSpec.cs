using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Caching.Methods;

/// <summary>
/// A schedule named in text: a preset's name or <c>name:P1:P2...</c> with the parameters
/// <see cref="CacheMethods.Schedules"/> lists (see <see cref="CacheMethods.ScheduleHelp"/>). Steps in a
/// list are separated by ';' (',' separates schedules in a list of them).
/// </summary>
/// <param name="Text">The text it was parsed from.</param>
/// <param name="Schedule">The schedule.</param>
public sealed record ScheduleSpec(string Text, ICacheSchedule Schedule)
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
        // A path is the whole rest of the text: it may hold ':' itself (C:\...).
        var given = entry.Parameters is [{ Kind: OptionKind.Path }] && parts.Length > 1
            ? [trimmed[(trimmed.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()]
            : parts.Skip(1).Select(p => p.Trim()).ToArray();
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

    /// <summary>Parses a comma-separated list.</summary>
    public static IReadOnlyList<ScheduleSpec> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToList();
    }
}
