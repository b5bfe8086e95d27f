namespace LesaHiCache.Shapes.Video;

/// <summary>One clip object's checks (docs/shapes-video.md).</summary>
/// <param name="Found">Its color is shown: a blob of the color (at least the image scorer's minimum area) in at least half the frames.</param>
/// <param name="SizeCorrect">Most frames that show it show the named size class (judged for the shape read in that frame).</param>
/// <param name="ShapeCorrect">Most frames that show it show the named shape.</param>
/// <param name="StartCorrect">The first frame shows it in the start cell.</param>
/// <param name="EndCorrect">The last frame shows it in the end cell.</param>
/// <param name="PathCorrect">
/// Moving: its centroid never steps back along the start-to-end direction by more than
/// <see cref="ClipScorer.BackstepSlack"/>, covers at least <see cref="ClipScorer.MinProgress"/> of the
/// distance, and stays within <see cref="ClipScorer.LineSlack"/> of the line. Still: it stays within
/// <see cref="ClipScorer.StillSlack"/> of where it first appears.
/// </param>
/// <param name="Steady">Temporal consistency: shown in every frame, with areas within a factor <see cref="ClipScorer.MaxAreaRatio"/> of each other (no flicker).</param>
/// <param name="FramesFound">Frames that show it.</param>
/// <param name="Track">Its centroid (x, y) per frame, NaN where not found.</param>
public sealed record MotionCheck(bool Found, bool SizeCorrect, bool ShapeCorrect, bool StartCorrect, bool EndCorrect, bool PathCorrect, bool Steady, int FramesFound, IReadOnlyList<(double X, double Y)> Track)
{
    /// <summary>Attributes judged per object.</summary>
    public const int Attributes = 7;

    /// <summary>How many of the object's attributes are shown.</summary>
    public int AttributesCorrect => new[] { Found, SizeCorrect, ShapeCorrect, StartCorrect, EndCorrect, PathCorrect, Steady }.Count(b => b);

    /// <summary>The names of the attributes not shown, e.g. ["end", "path"].</summary>
    public IReadOnlyList<string> Missing()
    {
        if (!Found)
        {
            return ["not found"];
        }

        var names = new (bool Ok, string Name)[] { (SizeCorrect, "size"), (ShapeCorrect, "shape"), (StartCorrect, "start"), (EndCorrect, "end"), (PathCorrect, "path"), (Steady, "flicker") };
        return [.. names.Where(n => !n.Ok).Select(n => n.Name)];
    }
}
