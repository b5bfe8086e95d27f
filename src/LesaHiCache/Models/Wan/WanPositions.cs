using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// Wan's RoPE positions (diffusers <c>WanRotaryPosEmbed</c>): token (f, h, w) of the patched video sits
/// at frame f, row h, column w, counted from zero (not centred), tokens in frame-major, then row-major order.
/// </summary>
public static class WanPositions
{
    /// <summary>Ids [F x H x W, 3] (frame, row, column) of the video tokens.</summary>
    public static Tensor Ids(int frames, int heightTokens, int widthTokens, Device? device = null) =>
        GridPositions.Ids(frames, heightTokens, widthTokens, device);
}
