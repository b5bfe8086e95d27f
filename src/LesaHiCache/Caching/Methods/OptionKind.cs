namespace LesaHiCache.Caching.Methods;

/// <summary>What an option of a forecaster or schedule takes.</summary>
public enum OptionKind
{
    /// <summary>An integer within the option's range.</summary>
    Integer,

    /// <summary>A finite number within the option's range.</summary>
    Number,

    /// <summary>One of the option's choices.</summary>
    Choice,

    /// <summary>Integers within the option's range, separated by ';' (or ',' outside a list).</summary>
    IntegerList,

    /// <summary>A file path.</summary>
    Path,
}
