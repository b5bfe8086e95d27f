using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// Wan's RoPE positions (diffusers <c>WanRotaryPosEmbed</c>): token (f, h, w) of the patched video sits
/// at frame f, row h, column w, counted from zero (not centred), tokens in frame-major, then row-major order.
/// </summary>
public static class WanPositions
{
    /// <summary>Ids [F x H x W, 3] (frame, row, column) of the video tokens.</summary>
    public static Tensor Ids(int frames, int heightTokens, int widthTokens, Device? device = null)
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
                    ids[i++] = r;
                    ids[i++] = c;
                }
            }
        }

        return tensor(ids, [frames * heightTokens * widthTokens, 3], ScalarType.Float32, device ?? CPU);
    }
}
