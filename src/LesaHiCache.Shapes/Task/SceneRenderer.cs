using SkiaSharp;

namespace LesaHiCache.Shapes.Task;

/// <summary>Draws a prompt's scene with SkiaSharp (anti-aliased) into a 32x32 RGB image.</summary>
public static class SceneRenderer
{
    /// <summary>The scene as interleaved RGB bytes, row-major, <see cref="SceneLayout.ImageSize"/> squared pixels.</summary>
    public static byte[] Render(ScenePrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var size = SceneLayout.ImageSize;
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(ToSkia(Vocabulary.Background(prompt.Background)));
            foreach (var item in prompt.Objects)
            {
                Draw(canvas, item);
            }
        }

        return RgbImage.FromBitmap(bitmap);
    }

    private static void Draw(SKCanvas canvas, SceneObject item)
    {
        using var paint = new SKPaint { Color = ToSkia(Vocabulary.ObjectColor(item.Color)), IsAntialias = true, Style = SKPaintStyle.Fill };
        var (left, top, side) = SceneLayout.Box(item);
        var rect = SKRect.Create((float)left, (float)top, (float)side, (float)side);
        switch (item.Shape)
        {
            case "circle":
                canvas.DrawOval(rect, paint);
                break;
            case "square":
                canvas.DrawRect(rect, paint);
                break;
            case "triangle":
                using (var path = new SKPath())
                {
                    path.MoveTo(rect.MidX, rect.Top);
                    path.LineTo(rect.Right, rect.Bottom);
                    path.LineTo(rect.Left, rect.Bottom);
                    path.Close();
                    canvas.DrawPath(path, paint);
                }

                break;
            default:
                throw new PromptException($"Unknown shape '{item.Shape}'.");
        }
    }

    private static SKColor ToSkia(PaletteColor color) => new(color.R, color.G, color.B);
}
