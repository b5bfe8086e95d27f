using System.Globalization;
using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Shapes.Evaluation;

/// <summary>
/// A schedule named on the command line: the papers' patterns <c>taylorseer-5x</c>,
/// <c>taylorseer-6.25x</c>, <c>lesa-5x</c>, <c>lesa-6.25x</c>; <c>counter:N[:W[:F;F...]]</c> (the
/// reference counter rule with forced steps F), <c>interval:N[:W[:T]]</c>, <c>budget:B</c>,
/// <c>adaptive:threshold[:max]</c>, <c>stages:N0:N1:N2</c>, <c>mask:0,1,2,...</c> (use ';' between
/// mask or forced steps in a list).
/// </summary>
public sealed record ScheduleSpec(string Text, ICacheSchedule Schedule)
{
    /// <summary>Parses one schedule; throws <see cref="FormatException"/> naming the problem.</summary>
    public static ScheduleSpec Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (SchedulePresets.ByName.TryGetValue(text.Trim(), out var preset))
        {
            return new ScheduleSpec(text.Trim(), preset);
        }

        var parts = text.Trim().Split(':');
        var numbers = parts.Skip(1).ToArray();
        try
        {
            ICacheSchedule schedule = parts[0].ToLowerInvariant() switch
            {
                "counter" when numbers.Length is >= 1 and <= 3 => new CounterSchedule(Int(numbers, 0), numbers.Length > 1 ? Int(numbers, 1) : 3, numbers.Length > 2 ? numbers[2].Split(';', ',').Select(f => Int([f], 0)) : null),
                "interval" when numbers.Length is >= 1 and <= 3 => new FixedIntervalSchedule(Int(numbers, 0), numbers.Length > 1 ? Int(numbers, 1) : 3, numbers.Length > 2 ? Int(numbers, 2) : 0),
                "budget" when numbers.Length == 1 => new BudgetSchedule(Int(numbers, 0)),
                "adaptive" when numbers.Length is 1 or 2 => new AdaptiveSchedule(Number(numbers[0]), numbers.Length > 1 ? Int(numbers, 1) : 6),
                "stages" when numbers.Length == 3 => new StageAwareSchedule([Int(numbers, 0), Int(numbers, 1), Int(numbers, 2)]),
                "mask" when numbers.Length == 1 => new StepMaskSchedule(numbers[0].Split(';', ',').Select(s => Int([s], 0))),
                _ => throw new FormatException($"Unknown schedule '{text}'. Schedules: {string.Join(", ", SchedulePresets.ByName.Keys)}, counter:N[:W[:F;F...]], interval:N[:W[:T]], budget:B, adaptive:threshold[:max], stages:N0:N1:N2, mask:0;1;2;..."),
            };
            return new ScheduleSpec(text.Trim(), schedule);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Schedule '{text}': {e.Message}", e);
        }
    }

    /// <summary>Parses a comma-separated list.</summary>
    public static IReadOnlyList<ScheduleSpec> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToList();
    }

    private static int Int(string[] values, int index) =>
        int.TryParse(values[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{values[index]}' is not an integer.");

    private static double Number(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new FormatException($"'{value}' is not a number.");
}
