using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>
/// The sampler's token layout of video latents: [B, C, F, H, W] becomes [B, (F/pt)(H/p)(W/p),
/// C pt p p], tokens in (frame, row, column) order and each token's values in (channel, t, y, x)
/// order: the order of the transformer's patch convolution and of its output unpatchify, so the
/// velocity comes back in the same layout.
/// </summary>
public static class HunyuanVideoPacking
{
    /// <summary>Latents [B, C, F, H, W] to tokens; F must divide by <paramref name="patchT"/>, H and W by <paramref name="patch"/>.</summary>
    public static Tensor Pack(Tensor latents, int patchT = 1, int patch = 2)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.dim() != 5 || latents.shape[2] % patchT != 0 || latents.shape[3] % patch != 0 || latents.shape[4] % patch != 0)
        {
            throw new ArgumentException($"Latents must be [B, C, F, H, W] with F divisible by {patchT} and H, W by {patch}; got [{string.Join(", ", latents.shape)}].", nameof(latents));
        }

        var (b, c, f, h, w) = (latents.shape[0], latents.shape[1], latents.shape[2] / patchT, latents.shape[3] / patch, latents.shape[4] / patch);
        using var split = latents.reshape(b, c, f, patchT, h, patch, w, patch);
        using var ordered = split.permute(0, 2, 4, 6, 1, 3, 5, 7);
        return ordered.reshape(b, f * h * w, c * patchT * patch * patch);
    }

    /// <summary>Tokens [B, L, C pt p p] of a (frames x height x width)-token grid back to latents [B, C, F, H, W].</summary>
    public static Tensor Unpack(Tensor tokens, int framesTokens, int heightTokens, int widthTokens, int patchT = 1, int patch = 2)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var perToken = patchT * patch * patch;
        if (tokens.dim() != 3 || tokens.shape[1] != (long)framesTokens * heightTokens * widthTokens || tokens.shape[2] % perToken != 0)
        {
            throw new ArgumentException($"Tokens must be [B, {framesTokens * heightTokens * widthTokens}, C x {perToken}]; got [{string.Join(", ", tokens.shape)}].", nameof(tokens));
        }

        var (b, c) = (tokens.shape[0], tokens.shape[2] / perToken);
        using var split = tokens.reshape(b, framesTokens, heightTokens, widthTokens, c, patchT, patch, patch);
        using var ordered = split.permute(0, 4, 1, 5, 2, 6, 3, 7);
        return ordered.reshape(b, c, framesTokens * patchT, heightTokens * patch, widthTokens * patch);
    }

    /// <summary>RoPE ids [F H W, 3] of the tokens: (frame, row, column), from 0 (text tokens are not rotated).</summary>
    public static Tensor VideoIds(int framesTokens, int heightTokens, int widthTokens, Device? device = null) =>
        GridPositions.Ids(framesTokens, heightTokens, widthTokens, device);
}
