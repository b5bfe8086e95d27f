using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Video;

/// <summary>
/// Motion-aware prompt fidelity of a clip (docs/shapes-video.md). Every frame is read as the image
/// scorer reads an image (palette classes, largest blob per object color, shape and size class,
/// background border, spurious blobs); over the clip each object is judged on seven attributes:
/// color, size, shape, start cell, end cell, a monotone straight path (or staying put), and
/// temporal consistency (present in every frame with a steady area).
/// </summary>
public static class ClipScorer
{
    /// <summary>Largest step back (pixels of a 16x16 frame) along the start-to-end direction that a path may take between frames.</summary>
    public const double BackstepSlack = 1.0;

    /// <summary>Share of the start-to-end distance a moving object's centroid must cover.</summary>
    public const double MinProgress = 0.5;

    /// <summary>Largest distance (pixels of a 16x16 frame) of a moving object's centroid from its start-to-end line.</summary>
    public const double LineSlack = 2.0;

    /// <summary>Largest distance (pixels of a 16x16 frame) a still object's centroid may drift from where it first appears.</summary>
    public const double StillSlack = 1.0;

    /// <summary>Largest ratio of an object's largest to smallest area over the frames.</summary>
    public const double MaxAreaRatio = 1.6;

    /// <summary>Scores a clip (one RGB byte array per frame, 16x16 each) against a prompt.</summary>
    public static ClipFidelityReport Score(IReadOnlyList<byte[]> frames, ClipPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(prompt);
        if (frames.Count < 2)
        {
            throw new ArgumentException($"A clip has at least 2 frames, got {frames.Count}.", nameof(frames));
        }

        var geometry = ClipLayout.Geometry;
        var blobs = frames.Select(f => new ColorBlobs(f, geometry.Size)).ToList();
        var named = prompt.Objects.Select(o => o.Color).ToList();
        var backgroundFrames = blobs.Count(b => BlobReading.BackgroundShown(b, prompt.Background, named));
        var backgroundCorrect = 2 * backgroundFrames >= frames.Count;
        var objects = prompt.Objects.Select(o => Check(frames, blobs, o, prompt.Background)).ToList();
        var spurious = blobs.Max(b => BlobReading.Spurious(b, named, geometry).Count);
        var shown = (backgroundCorrect ? 1 : 0) + objects.Sum(o => o.AttributesCorrect);
        var asked = 1 + (MotionCheck.Attributes * objects.Count) + spurious;
        return new ClipFidelityReport((double)shown / asked, backgroundCorrect, objects, spurious);
    }

    private static MotionCheck Check(IReadOnlyList<byte[]> frames, List<ColorBlobs> blobs, ClipObject item, string background)
    {
        var readings = frames.Select((f, i) => BlobReading.Of(f, blobs[i], item.Color, background, ClipLayout.Geometry)).ToList();
        var found = readings.Where(r => r.Found).ToList();
        var track = readings.Select(r => (r.X, r.Y)).ToList();
        if (2 * found.Count < frames.Count)
        {
            return new MotionCheck(false, false, false, false, false, false, false, found.Count, track);
        }

        var large = item.Size == Vocabulary.Sizes[1].Word;
        var sizeCorrect = 2 * found.Count(r => r.IsLarge == large) > found.Count;
        var shapeCorrect = 2 * found.Count(r => r.Shape == item.Shape) > found.Count;
        var startCorrect = readings[0].Found && readings[0].Cell == item.Start;
        var endCorrect = readings[^1].Found && readings[^1].Cell == item.End;
        var steady = found.Count == frames.Count && found.Max(r => r.Area) <= MaxAreaRatio * found.Min(r => r.Area);
        return new MotionCheck(true, sizeCorrect, shapeCorrect, startCorrect, endCorrect, PathFollowed(found, item), steady, found.Count, track);
    }

    private static bool PathFollowed(List<BlobReading> found, ClipObject item)
    {
        if (found.Count < 2)
        {
            return false;
        }

        if (item.IsStill)
        {
            return found.All(r => double.Hypot(r.X - found[0].X, r.Y - found[0].Y) <= StillSlack);
        }

        var geometry = ClipLayout.Geometry;
        var (x0, y0) = (geometry.CellCenter(item.Start.Column), geometry.CellCenter(item.Start.Row));
        var (dx, dy) = (geometry.CellCenter(item.End.Column) - x0, geometry.CellCenter(item.End.Row) - y0);
        var length = double.Hypot(dx, dy);
        var (ux, uy) = (dx / length, dy / length);
        var along = found.Select(r => ((r.X - x0) * ux) + ((r.Y - y0) * uy)).ToList();
        var across = found.Select(r => Math.Abs(((r.X - x0) * -uy) + ((r.Y - y0) * ux))).ToList();
        var monotone = along.Zip(along.Skip(1)).All(p => p.Second >= p.First - BackstepSlack);
        return monotone && along[^1] - along[0] >= MinProgress * length && across.All(a => a <= LineSlack);
    }
}
