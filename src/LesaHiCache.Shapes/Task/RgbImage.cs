using SkiaSharp;

namespace LesaHiCache.Shapes.Task;

/// <summary>Conversions between interleaved RGB bytes, Skia bitmaps and PNG files.</summary>
public static class RgbImage
{
    /// <summary>Interleaved RGB bytes of an opaque bitmap.</summary>
    public static byte[] FromBitmap(SKBitmap bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                var i = (y * bitmap.Width + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = (c.Red, c.Green, c.Blue);
            }
        }

        return rgb;
    }

    /// <summary>Square frames (interleaved RGB, <paramref name="side"/> pixels) side by side as one RGB image <paramref name="side"/> high; one frame is returned as it is.</summary>
    public static byte[] Strip(IReadOnlyList<byte[]> frames, int side)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        if (frames.Count == 0 || frames.Any(f => f is null || f.Length != side * side * 3))
        {
            throw new ArgumentException($"Give at least one frame, each {side}x{side} RGB ({side * side * 3} bytes).", nameof(frames));
        }

        if (frames.Count == 1)
        {
            return frames[0];
        }

        var rowBytes = side * 3;
        var strip = new byte[frames.Count * side * rowBytes];
        for (var y = 0; y < side; y++)
        {
            for (var f = 0; f < frames.Count; f++)
            {
                Buffer.BlockCopy(frames[f], y * rowBytes, strip, ((y * frames.Count) + f) * rowBytes, rowBytes);
            }
        }

        return strip;
    }

    /// <summary>A bitmap of interleaved RGB bytes.</summary>
    public static SKBitmap ToBitmap(byte[] rgb, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {rgb.Length}.", nameof(rgb));
        }

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                bitmap.SetPixel(x, y, new SKColor(rgb[i], rgb[i + 1], rgb[i + 2]));
            }
        }

        return bitmap;
    }

    /// <summary>Writes RGB bytes as a PNG, optionally scaled up by an integer factor (nearest neighbour).</summary>
    public static void SavePng(byte[] rgb, int width, int height, string path, int scale = 1)
    {
        using var bitmap = ToBitmap(rgb, width, height);
        SavePng(bitmap, path, scale);
    }

    /// <summary>Writes a bitmap as a PNG, optionally scaled up by an integer factor (nearest neighbour).</summary>
    public static void SavePng(SKBitmap bitmap, string path, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        using var scaled = scale == 1 ? bitmap.Copy() : bitmap.Resize(new SKImageInfo(bitmap.Width * scale, bitmap.Height * scale), new SKSamplingOptions(SKFilterMode.Nearest));
        using var image = SKImage.FromBitmap(scaled);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>
    /// Writes square RGB images (interleaved bytes, <paramref name="side"/> pixels) as one PNG grid,
    /// row-major with <paramref name="columns"/> per row, each scaled by <paramref name="scale"/>, 2-pixel gaps.
    /// </summary>
    public static void SaveGrid(IReadOnlyList<byte[]> images, int side, int columns, string path, int scale = 4)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (images.Count == 0)
        {
            throw new ArgumentException("No images to lay out.", nameof(images));
        }

        const int Gap = 2;
        var rows = (images.Count + columns - 1) / columns;
        var cell = side * scale + Gap;
        using var grid = new SKBitmap(new SKImageInfo(columns * cell + Gap, rows * cell + Gap, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(grid))
        {
            canvas.Clear(new SKColor(60, 60, 60));
            for (var i = 0; i < images.Count; i++)
            {
                using var bitmap = ToBitmap(images[i], side, side);
                using var image = SKImage.FromBitmap(bitmap);
                var target = SKRect.Create(Gap + i % columns * cell, Gap + i / columns * cell, side * scale, side * scale);
                canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Nearest));
            }
        }

        SavePng(grid, path);
    }
}
