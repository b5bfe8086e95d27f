namespace LesaHiCache.Cli;

/// <summary><c>inspect</c>'s cache-memory question: a generation of <see cref="Batch"/> outputs of the given pixel size (and frames, for video).</summary>
internal sealed record MemoryQuery(int Height, int Width, int Frames, int Batch, bool? Cfg)
{
    /// <summary>Latent frames of a video VAE that compresses time 4x and keeps the first frame: (F - 1) / 4 + 1.</summary>
    public int LatentFrames => ((Frames - 1) / 4) + 1;

    /// <summary>Tokens along a pixel side for a VAE that compresses 8x and patches of <paramref name="patch"/> latent pixels.</summary>
    public static long Side(int pixels, int patch, string option)
    {
        var step = 8 * patch;
        return pixels % step == 0 ? pixels / step : throw new UsageException($"{option} = {pixels} must be a multiple of {step} for this model (8x VAE, patch {patch}).");
    }
}
