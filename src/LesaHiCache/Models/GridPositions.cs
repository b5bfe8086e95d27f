using static TorchSharp.torch;

namespace LesaHiCache.Models;

/// <summary>RoPE ids of a (frames x rows x columns) token grid in frame-major, then row-major order, as every host lays its tokens out.</summary>
internal static class GridPositions
{
    /// <summary>Ids [F H W, 3]: (frame, row + <paramref name="rowOffset"/>, column + <paramref name="columnOffset"/>).</summary>
    public static Tensor Ids(int frames, int heightTokens, int widthTokens, Device? device, int rowOffset = 0, int columnOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heightTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthTokens, 1);
        var ids = new float[frames * heightTokens * widthTokens * 3];
        var i = 0;
        for (var f = 0; f < frames; f++)
        {
            for (var r = 0; r < heightTokens; r++)
            {
                for (var c = 0; c < widthTokens; c++)
                {
                    ids[i++] = f;
                    ids[i++] = r + rowOffset;
                    ids[i++] = c + columnOffset;
                }
            }
        }

        return tensor(ids, [frames * heightTokens * widthTokens, 3], ScalarType.Float32, device ?? CPU);
    }
}
