namespace LesaHiCache.Shapes.Task;

/// <summary>
/// The palette color of every pixel of a square RGB image (or none, if far from all) and the
/// 4-connected blobs of each color.
/// </summary>
public sealed class ColorBlobs
{
    /// <summary>Pixels farther than this (RGB Euclidean, 0-255) from every palette color are unclassified.</summary>
    public const double MaxColorDistance = 90;

    private readonly int[] classes;
    private readonly Dictionary<int, List<List<int>>> blobs = [];

    /// <summary>Classifies an RGB image (interleaved bytes, <paramref name="side"/> x <paramref name="side"/>; the image task's 32 by default).</summary>
    public ColorBlobs(byte[] rgb, int side = SceneLayout.ImageSize)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(side);
        if (rgb.Length != side * side * 3)
        {
            throw new ArgumentException($"Expected a {side}x{side} RGB image ({side * side * 3} bytes), got {rgb.Length} bytes.", nameof(rgb));
        }

        Side = side;

        var palette = Vocabulary.Palette;
        classes = new int[side * side];
        for (var p = 0; p < classes.Length; p++)
        {
            var (best, bestDistance) = (-1, MaxColorDistance * MaxColorDistance);
            for (var c = 0; c < palette.Count; c++)
            {
                double dr = rgb[3 * p] - palette[c].R, dg = rgb[3 * p + 1] - palette[c].G, db = rgb[3 * p + 2] - palette[c].B;
                var distance = dr * dr + dg * dg + db * db;
                if (distance < bestDistance)
                {
                    (best, bestDistance) = (c, distance);
                }
            }

            classes[p] = best;
        }
    }

    /// <summary>Image side in pixels.</summary>
    public int Side { get; }

    /// <summary>The palette index of pixel <paramref name="pixel"/> (row-major), or -1.</summary>
    public int ClassOf(int pixel) => classes[pixel];

    /// <summary>The blobs of palette color <paramref name="color"/>, largest first (pixel indices, row-major).</summary>
    public IReadOnlyList<IReadOnlyList<int>> Of(int color)
    {
        if (!blobs.TryGetValue(color, out var found))
        {
            found = Find(color);
            blobs[color] = found;
        }

        return found;
    }

    private List<List<int>> Find(int target)
    {
        var seen = new bool[classes.Length];
        var result = new List<List<int>>();
        for (var start = 0; start < classes.Length; start++)
        {
            if (seen[start] || classes[start] != target)
            {
                continue;
            }

            var blob = new List<int>();
            var stack = new Stack<int>([start]);
            seen[start] = true;
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                blob.Add(p);
                int x = p % Side, y = p / Side;
                foreach (var q in new[] { x > 0 ? p - 1 : -1, x < Side - 1 ? p + 1 : -1, y > 0 ? p - Side : -1, y < Side - 1 ? p + Side : -1 })
                {
                    if (q >= 0 && !seen[q] && classes[q] == target)
                    {
                        seen[q] = true;
                        stack.Push(q);
                    }
                }
            }

            result.Add(blob);
        }

        // Largest first; ties in the order found (row-major), so the result is deterministic.
        return [.. result.Select((b, i) => (b, i)).OrderByDescending(t => t.b.Count).ThenBy(t => t.i).Select(t => t.b)];
    }
}
