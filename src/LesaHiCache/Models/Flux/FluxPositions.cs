using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>FLUX position ids and the 2x2 latent packing of its pipeline.</summary>
public static class FluxPositions
{
    /// <summary>Image token ids [h * w, 3]: (0, row, col) in row-major order.</summary>
    public static Tensor ImageIds(int heightTokens, int widthTokens, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heightTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthTokens, 1);
        using var scope = NewDisposeScope();
        var rows = arange(heightTokens, ScalarType.Int64, device).repeat_interleave(widthTokens);
        var cols = arange(widthTokens, ScalarType.Int64, device).repeat(heightTokens);
        return stack([zeros_like(rows), rows, cols], dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>[B, C, H, W] to packed tokens [B, (H/p)(W/p), C p p] (diffusers <c>_pack_latents</c> for p = 2).</summary>
    public static Tensor Pack(Tensor latents, int patch = 2)
    {
        ArgumentNullException.ThrowIfNull(latents);
        var (b, c, h, w) = (latents.shape[0], latents.shape[1], latents.shape[2], latents.shape[3]);
        if (h % patch != 0 || w % patch != 0)
        {
            throw new ArgumentException($"Height {h} and width {w} must be multiples of the patch size {patch}.", nameof(latents));
        }

        using var scope = NewDisposeScope();
        return latents.view(b, c, h / patch, patch, w / patch, patch)
            .permute(0, 2, 4, 1, 3, 5)
            .reshape(b, h / patch * (w / patch), c * patch * patch)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Inverse of <see cref="Pack"/> for an image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static Tensor Unpack(Tensor tokens, int height, int width, int patch = 2)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var (b, l, d) = (tokens.shape[0], tokens.shape[1], tokens.shape[2]);
        var (hp, wp) = (height / patch, width / patch);
        if (height % patch != 0 || width % patch != 0 || l != (long)hp * wp || d % (patch * patch) != 0)
        {
            throw new ArgumentException($"Tokens [{b}, {l}, {d}] do not unpack to {height}x{width} with patch {patch}.", nameof(tokens));
        }

        using var scope = NewDisposeScope();
        var c = d / (patch * patch);
        return tokens.view(b, hp, wp, c, patch, patch)
            .permute(0, 3, 1, 4, 2, 5)
            .reshape(b, c, height, width)
            .MoveToOuterDisposeScope();
    }
}
