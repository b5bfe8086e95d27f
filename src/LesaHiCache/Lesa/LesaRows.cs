namespace LesaHiCache.Lesa;

/// <summary>Which expert sets forecast a cached item's rows.</summary>
internal enum LesaRows
{
    /// <summary>Every row with the conditional set (the only set of a shared predictor).</summary>
    Conditional,

    /// <summary>Every row with the unconditional set.</summary>
    Unconditional,

    /// <summary>The first half of the rows (the batch dimension) with the unconditional set, the second with the conditional set.</summary>
    Halves,
}
