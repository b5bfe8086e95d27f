namespace LesaHiCache.Shapes.Video;

/// <summary>What the clip scorer checked for one prompt and clip.</summary>
/// <param name="Score">In [0, 1]: attributes shown (background, and per object its 7 checks) over attributes asked for plus one per spurious blob of the worst frame.</param>
/// <param name="BackgroundCorrect">Most frames' borders show the background color.</param>
/// <param name="Objects">Per object of the prompt, in order.</param>
/// <param name="SpuriousBlobs">Spurious blobs (object colors the prompt does not account for) in the frame with the most of them.</param>
public sealed record ClipFidelityReport(double Score, bool BackgroundCorrect, IReadOnlyList<MotionCheck> Objects, int SpuriousBlobs)
{
    /// <summary>A one-line account of what is wrong, e.g. "object 1: end, path; 1 spurious blob"; "all shown" when nothing is.</summary>
    public string Explain()
    {
        var problems = new List<string>();
        if (!BackgroundCorrect)
        {
            problems.Add("background");
        }

        for (var i = 0; i < Objects.Count; i++)
        {
            var missing = Objects[i].Missing();
            if (missing.Count > 0)
            {
                problems.Add($"object {i + 1}: {string.Join(", ", missing)}");
            }
        }

        if (SpuriousBlobs > 0)
        {
            problems.Add($"{SpuriousBlobs} spurious blob{(SpuriousBlobs == 1 ? "" : "s")}");
        }

        return problems.Count == 0 ? "all shown" : string.Join("; ", problems);
    }
}
