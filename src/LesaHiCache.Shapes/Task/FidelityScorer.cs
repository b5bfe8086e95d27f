namespace LesaHiCache.Shapes.Task;

/// <summary>What the scorer checked for one prompt and image.</summary>
/// <param name="Score">In [0, 1]: the share of the prompt's attributes shown (background, and per object color, position, size).</param>
/// <param name="BackgroundCorrect">The image border shows the background color.</param>
/// <param name="Objects">Per object: found (a solid blob of its color), in its grid cell, of its size class.</param>
public sealed record FidelityReport(double Score, bool BackgroundCorrect, IReadOnlyList<ObjectCheck> Objects);

/// <summary>One object's checks.</summary>
/// <param name="Found">A connected blob of the object's color of at least half the expected small area exists.</param>
/// <param name="PositionCorrect">The blob's centroid lies in the named grid cell.</param>
/// <param name="SizeCorrect">The blob's area falls in the named size class.</param>
/// <param name="Area">The blob's area in pixels.</param>
public sealed record ObjectCheck(bool Found, bool PositionCorrect, bool SizeCorrect, int Area)
{
    /// <summary>How many of the object's three attributes (color, position, size) are shown.</summary>
    public int AttributesCorrect => (Found ? 1 : 0) + (PositionCorrect ? 1 : 0) + (SizeCorrect ? 1 : 0);
}

/// <summary>
/// Analytic prompt fidelity of a 32x32 RGB image: each pixel is classified to the nearest palette
/// color (or none, if far from all); the background must cover most of the border ring; each object
/// is the largest 4-connected blob of its color, checked for presence (its color), grid cell and
/// size class; position and size count only for a found blob. Every attribute weighs the same.
/// Shapes are not judged.
/// </summary>
public static class FidelityScorer
{
    /// <summary>Pixels farther than this (RGB Euclidean, 0-255) from every palette color are unclassified.</summary>
    public const double MaxColorDistance = 90;

    /// <summary>Share of the border ring that must show the background color.</summary>
    public const double BackgroundBorderShare = 0.6;

    /// <summary>Scores an RGB image (interleaved bytes, 32x32) against a prompt.</summary>
    public static FidelityReport Score(byte[] rgb, ScenePrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentNullException.ThrowIfNull(prompt);
        const int Size = SceneLayout.ImageSize;
        if (rgb.Length != Size * Size * 3)
        {
            throw new ArgumentException($"Expected a {Size}x{Size} RGB image ({Size * Size * 3} bytes), got {rgb.Length} bytes.", nameof(rgb));
        }

        var classes = Classify(rgb);
        var background = Vocabulary.Palette.ToList().FindIndex(c => c.Name == prompt.Background);
        var border = Enumerable.Range(0, Size * Size).Where(i => i % Size is 0 or Size - 1 || i / Size is 0 or Size - 1).ToList();
        var backgroundCorrect = border.Count(i => classes[i] == background) >= BackgroundBorderShare * border.Count;

        var objects = prompt.Objects.Select(o => Check(classes, o)).ToList();
        var score = (double)((backgroundCorrect ? 1 : 0) + objects.Sum(o => o.AttributesCorrect)) / (1 + 3 * objects.Count);
        return new FidelityReport(score, backgroundCorrect, objects);
    }

    /// <summary>Expected drawn area (pixels) of a shape in a box of the given side.</summary>
    public static double ExpectedArea(string shape, int side) => shape switch
    {
        "circle" => Math.PI / 4 * side * side,
        "square" => side * side,
        "triangle" => side * side / 2.0,
        _ => throw new PromptException($"Unknown shape '{shape}'."),
    };

    private static ObjectCheck Check(int[] classes, SceneObject item)
    {
        var color = Vocabulary.Palette.ToList().FindIndex(c => c.Name == item.Color);
        var blob = LargestBlob(classes, color);
        var small = ExpectedArea(item.Shape, Vocabulary.Sizes[0].Side);
        var large = ExpectedArea(item.Shape, Vocabulary.Sizes[1].Side);
        if (blob.Count < small / 2)
        {
            return new ObjectCheck(false, false, false, blob.Count);
        }

        const int Size = SceneLayout.ImageSize;
        var cx = blob.Average(i => i % Size + 0.5);
        var cy = blob.Average(i => i / Size + 0.5);
        var positionCorrect = (SceneLayout.CellOf(cx), SceneLayout.CellOf(cy)) == item.Cell;
        var isLarge = blob.Count >= Math.Sqrt(small * large);
        return new ObjectCheck(true, positionCorrect, isLarge == (item.Size == Vocabulary.Sizes[1].Word), blob.Count);
    }

    private static int[] Classify(byte[] rgb)
    {
        var palette = Vocabulary.Palette;
        var classes = new int[rgb.Length / 3];
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

        return classes;
    }

    private static List<int> LargestBlob(int[] classes, int target)
    {
        const int Size = SceneLayout.ImageSize;
        var seen = new bool[classes.Length];
        var largest = new List<int>();
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
                int x = p % Size, y = p / Size;
                foreach (var q in new[] { x > 0 ? p - 1 : -1, x < Size - 1 ? p + 1 : -1, y > 0 ? p - Size : -1, y < Size - 1 ? p + Size : -1 })
                {
                    if (q >= 0 && !seen[q] && classes[q] == target)
                    {
                        seen[q] = true;
                        stack.Push(q);
                    }
                }
            }

            if (blob.Count > largest.Count)
            {
                largest = blob;
            }
        }

        return largest;
    }
}
