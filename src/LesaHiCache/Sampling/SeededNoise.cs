using static TorchSharp.torch;

namespace LesaHiCache.Sampling;

/// <summary>
/// Standard normal noise that depends only on the seed: drawn in float32 on the CPU by a seeded
/// generator, then moved, so a seed gives the same bits on every device and batch size.
/// </summary>
public static class SeededNoise
{
    /// <summary>One [<paramref name="shape"/>] sample per seed, stacked into [seeds, shape...].</summary>
    public static Tensor Draw(IReadOnlyList<long> seeds, long[] shape, Device device, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(shape);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        }

        using var scope = NewDisposeScope();
        var items = seeds.Select(seed =>
        {
            using var generator = new Generator((ulong)seed, CPU);
            return randn(shape, ScalarType.Float32, CPU, generator: generator);
        }).ToList();
        return stack(items).to(dtype, device).MoveToOuterDisposeScope();
    }
}
