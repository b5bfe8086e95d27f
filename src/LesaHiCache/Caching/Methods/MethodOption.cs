using System.Globalization;

namespace LesaHiCache.Caching.Methods;

/// <summary>
/// One option of a forecaster (<c>name=value</c>) or parameter of a schedule (positional), with its
/// default and the values it accepts.
/// </summary>
/// <param name="Name">The option's name.</param>
/// <param name="Kind">What it takes.</param>
/// <param name="Default">The value when it is not given; null when it must be given (or, for a path, when it is simply absent).</param>
/// <param name="Help">One line for the help text.</param>
/// <param name="Min">Smallest accepted number (inclusive).</param>
/// <param name="Max">Largest accepted number (inclusive).</param>
/// <param name="Choices">The accepted words of a <see cref="OptionKind.Choice"/>.</param>
/// <param name="ExclusiveMin">Whether <paramref name="Min"/> itself is refused.</param>
public sealed record MethodOption(string Name, OptionKind Kind, string? Default, string Help, double Min = double.NegativeInfinity, double Max = double.PositiveInfinity, IReadOnlyList<string>? Choices = null, bool ExclusiveMin = false)
{
    /// <summary>How the option is written, e.g. <c>order=O</c> or <c>cfg=shared|per-half</c>.</summary>
    public string Syntax(bool positional = false)
    {
        var value = Kind switch
        {
            OptionKind.Choice => string.Join("|", Choices ?? []),
            OptionKind.Path => "FILE",
            OptionKind.IntegerList => "S;S;...",
            _ => Name.ToUpperInvariant(),
        };
        return positional ? value : $"{Name}={value}";
    }

    /// <summary>The range or choices, for help text and errors.</summary>
    public string Accepts => Kind switch
    {
        OptionKind.Choice => string.Join(" or ", Choices ?? []),
        OptionKind.Path => "a file path",
        _ => string.Create(CultureInfo.InvariantCulture, $"{(Kind == OptionKind.Number ? "a number" : Kind == OptionKind.IntegerList ? "integers" : "an integer")}{Range()}"),
    };

    /// <summary>Checks <paramref name="value"/>; throws <see cref="FormatException"/> naming <paramref name="owner"/> and the option.</summary>
    public string Check(string owner, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var ok = Kind switch
        {
            OptionKind.Integer => IsInteger(value),
            OptionKind.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && InRange(number),
            OptionKind.Choice => Choices?.Contains(value, StringComparer.OrdinalIgnoreCase) == true,
            OptionKind.IntegerList => value.Length > 0 && value.Split(';', ',').All(IsInteger),
            OptionKind.Path => value.Length > 0,
            _ => false,
        };
        return ok ? value : throw new FormatException($"{owner}: {Name} must be {Accepts}, got '{value}'.");
    }

    private bool IsInteger(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) && InRange(integer);

    private bool InRange(double value) => (ExclusiveMin ? value > Min : value >= Min) && value <= Max;

    private string Range()
    {
        var low = double.IsNegativeInfinity(Min) ? null : string.Create(CultureInfo.InvariantCulture, $"{(ExclusiveMin ? ">" : ">=")} {Min}");
        var high = double.IsPositiveInfinity(Max) ? null : string.Create(CultureInfo.InvariantCulture, $"<= {Max}");
        return low is null && high is null ? "" : " " + string.Join(" and ", new[] { low, high }.Where(p => p is not null));
    }
}
