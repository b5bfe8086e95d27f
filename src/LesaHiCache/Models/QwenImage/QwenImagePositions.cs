using static TorchSharp.torch;

namespace LesaHiCache.Models.QwenImage;

/// <summary>
/// Qwen-Image's RoPE positions (diffusers <c>QwenEmbedRope</c> with <c>scale_rope</c>), as (frame,
/// row, column) ids per token: image rows and columns are centred on zero (row r of H at
/// r - (H - H/2)), and text token j sits at m + j on all three axes, m = max(H/2, W/2), just past
/// the image positions.
/// </summary>
public static class QwenImagePositions
{
    /// <summary>Ids [F x H x W, 3] of the image tokens in frame-major, then row-major order.</summary>
    public static Tensor ImageIds(int heightTokens, int widthTokens, Device? device = null, int frames = 1) =>
        GridPositions.Ids(frames, heightTokens, widthTokens, device, -(heightTokens - (heightTokens / 2)), -(widthTokens - (widthTokens / 2)));

    /// <summary>Ids [L, 3] of <paramref name="textLength"/> text tokens beside an image of the given token grid.</summary>
    public static Tensor TextIds(int textLength, int heightTokens, int widthTokens, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(textLength, 1);
        var start = Math.Max(heightTokens / 2, widthTokens / 2);
        var ids = new float[textLength * 3];
        for (var j = 0; j < textLength; j++)
        {
            ids[3 * j] = ids[(3 * j) + 1] = ids[(3 * j) + 2] = start + j;
        }

        return tensor(ids, [textLength, 3], ScalarType.Float32, device ?? CPU);
    }
}
