using LesaHiCache.Shapes.Task;
using SkiaSharp;

namespace LesaHiCache.Shapes.Video;

/// <summary>Draws a clip prompt's frames with SkiaSharp (anti-aliased), as the image task's <see cref="SceneRenderer"/> draws one scene.</summary>
public static class ClipRenderer
{
    /// <summary>The clip: <see cref="ClipLayout.Frames"/> frames, each interleaved RGB bytes (16x16, row-major).</summary>
    public static IReadOnlyList<byte[]> Render(ClipPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Enumerable.Range(0, ClipLayout.Frames).Select(f => RenderFrame(prompt, f)).ToList();
    }

    /// <summary>Frame <paramref name="frame"/> of the clip.</summary>
    public static byte[] RenderFrame(ClipPrompt prompt, int frame)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var size = ClipLayout.FrameSize;
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SceneRenderer.ToSkia(Vocabulary.Background(prompt.Background)));
            foreach (var item in prompt.Objects)
            {
                var (left, top, side) = ClipLayout.Box(item, frame);
                SceneRenderer.Draw(canvas, item.Shape, item.Color, left, top, side);
            }
        }

        return RgbImage.FromBitmap(bitmap);
    }
}
