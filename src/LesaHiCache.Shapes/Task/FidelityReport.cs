namespace LesaHiCache.Shapes.Task;

/// <summary>What the scorer checked for one prompt and image.</summary>
/// <param name="Score">
/// In [0, 1]: the attributes shown (background, and per object its color, position, size and shape)
/// over the attributes asked for plus one for every spurious blob.
/// </param>
/// <param name="BackgroundCorrect">The image border shows the background color.</param>
/// <param name="Objects">Per object of the prompt, in order.</param>
/// <param name="Spurious">Blobs of object colors that the prompt does not account for.</param>
public sealed record FidelityReport(double Score, bool BackgroundCorrect, IReadOnlyList<ObjectCheck> Objects, IReadOnlyList<SpuriousBlob> Spurious)
{
    /// <summary>A one-line account of what is wrong, e.g. "object 1: shape square, not circle; spurious: orange blob (40 px)"; "all shown" when nothing is.</summary>
    public string Explain()
    {
        var problems = new List<string>();
        if (!BackgroundCorrect)
        {
            problems.Add("background");
        }

        for (var i = 0; i < Objects.Count; i++)
        {
            var o = Objects[i];
            var wrong = !o.Found
                ? ["not found"]
                : new[] { o.PositionCorrect ? null : "position", o.SizeCorrect ? null : "size", o.ShapeCorrect ? null : $"shape {o.DetectedShape}" }.OfType<string>().ToArray();
            if (wrong.Length > 0)
            {
                problems.Add($"object {i + 1}: {string.Join(", ", wrong)}");
            }
        }

        problems.AddRange(Spurious.Select(s => $"spurious {s.Color} blob ({s.Area} px)"));
        return problems.Count == 0 ? "all shown" : string.Join("; ", problems);
    }
}
