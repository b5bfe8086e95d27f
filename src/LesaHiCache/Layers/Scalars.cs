using TorchSharp;

namespace LesaHiCache.Layers;

/// <summary>
/// Scalar constants the per-step code passes to libtorch, each created once. A <see cref="Scalar"/>
/// made implicitly from a number for one call is left to the finalizer, which TorchSharp 0.107 can
/// run while native code still reads it (seen as a libtorch "toFloat" assert under GC pressure); a
/// static one is never collected. Per-call values go through <see cref="Of"/> with <c>using</c>.
/// </summary>
internal static class Scalars
{
    public static Scalar One { get; } = 1.0.ToScalar();

    public static Scalar Thousand { get; } = 1000.0.ToScalar();

    public static Scalar Tiny { get; } = 1e-12.ToScalar();

    public static Scalar Float16Min { get; } = (-65504.0).ToScalar();

    public static Scalar Float16Max { get; } = 65504.0.ToScalar();

    /// <summary>A scalar for one call; dispose it after the call (<c>using var</c> keeps it alive until then).</summary>
    public static Scalar Of(double value) => value.ToScalar();
}
