using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace LesaHiCache;

/// <summary>
/// The members of a configuration record as <c>Name = value</c> pairs for its <c>ToString()</c>:
/// lists as [a, b], factories as the type they make, numbers in the invariant culture.
/// </summary>
internal static class Printed
{
    public static bool Members(object record, StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(builder);
        var first = true;
        foreach (var property in record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            builder.Append(first ? "" : ", ").Append(property.Name).Append(" = ").Append(Value(property.GetValue(record)));
            first = false;
        }

        return !first;
    }

    public static string Value(object? value) => value switch
    {
        null => "null",
        string text => text,
        Caching.Schedules.ICacheSchedule schedule => schedule.Name,
        Delegate factory => $"() => {factory.Method.ReturnType.Name}",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Value)) + "]",
        _ => value.ToString() ?? "",
    };
}
