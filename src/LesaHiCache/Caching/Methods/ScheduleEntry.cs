using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Caching.Methods;

/// <summary>A schedule as <see cref="CacheMethods"/> lists it: name, positional parameters and factory.</summary>
/// <param name="Name">The name it is parsed by (<c>interval</c>, or a preset's name).</param>
/// <param name="Help">One line for the help text.</param>
/// <param name="Parameters">Its parameters in order (<c>name:P1:P2</c>); trailing ones with a default may be left out.</param>
/// <param name="Create">The factory from checked parameters.</param>
public sealed record ScheduleEntry(string Name, string Help, IReadOnlyList<MethodOption> Parameters, Func<MethodArguments, ICacheSchedule> Create)
{
    /// <summary>How it is written, e.g. <c>interval:N[:W[:T]]</c>.</summary>
    public string Syntax
    {
        get
        {
            var required = Parameters.TakeWhile(p => p.Default is null).Select(p => ":" + p.Syntax(positional: true));
            var optional = Parameters.SkipWhile(p => p.Default is null).ToList();
            return Name + string.Concat(required) + string.Concat(optional.Select(p => "[:" + p.Syntax(positional: true))) + new string(']', optional.Count);
        }
    }
}
