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
        var (left, top, side) = SceneLayout.Box(item);
        Draw(canvas, item.Shape, item.Color, left, top, side);
    }

    /// <summary>Draws a filled, anti-aliased shape of an object color in the box (left, top, side), in pixels.</summary>
    internal static void Draw(SKCanvas canvas, string shape, string color, double left, double top, double side)
    {
        using var paint = new SKPaint { Color = ToSkia(Vocabulary.ObjectColor(color)), IsAntialias = true, Style = SKPaintStyle.Fill };
        var rect = SKRect.Create((float)left, (float)top, (float)side, (float)side);
        switch (shape)
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
                throw new PromptException($"Unknown shape '{shape}'.");
        }
    }

    internal static SKColor ToSkia(PaletteColor color) => new(color.R, color.G, color.B);
}
