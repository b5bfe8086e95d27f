using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa;

/// <summary>Maps a cached item to the expert sets of its rows.</summary>
internal static class LesaRowsOf
{
    /// <summary>The rows of an item of call <paramref name="branch"/> under <paramref name="cfg"/>, for a predictor with <paramref name="experts"/>.</summary>
    public static LesaRows Item(LesaCfgExperts experts, CfgLayout cfg, int branch) => experts switch
    {
        LesaCfgExperts.Shared => LesaRows.Conditional,
        _ => cfg switch
        {
            CfgLayout.BatchedHalves => LesaRows.Halves,
            CfgLayout.SeparateCalls when branch == 0 => LesaRows.Unconditional,
            _ => LesaRows.Conditional,
        },
    };

    /// <summary>Whether part <paramref name="part"/> (0 or 1 for <see cref="LesaRows.Halves"/>, 0 otherwise) uses the unconditional set.</summary>
    public static bool IsUnconditional(LesaRows rows, int part) => rows == LesaRows.Unconditional || (rows == LesaRows.Halves && part == 0);

    /// <summary>How many parts the rows split into.</summary>
    public static int Parts(LesaRows rows) => rows == LesaRows.Halves ? 2 : 1;

    /// <summary>
    /// The parts of <paramref name="values"/> along dimension <paramref name="dim"/> (the rows), each
    /// with whether it uses the unconditional set: views, or <paramref name="values"/> itself.
    /// </summary>
    public static IEnumerable<(bool Unconditional, Tensor Part)> Split(Tensor values, LesaRows rows, int dim)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (rows != LesaRows.Halves)
        {
            yield return (rows == LesaRows.Unconditional, values);
            yield break;
        }

        var half = values.shape[dim] / 2;
        yield return (true, values.narrow(dim, 0, half));
        yield return (false, values.narrow(dim, half, half));
    }
}
