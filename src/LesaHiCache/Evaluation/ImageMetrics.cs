using static TorchSharp.torch;

namespace LesaHiCache.Evaluation;

/// <summary>
/// Similarity of images to a reference (docs/algorithms.md, section 9). Images are [B, C, H, W] with values
/// in [0, 1]; every metric returns one value per image. (No LPIPS: it needs a pretrained network.)
/// </summary>
public static class ImageMetrics
{
    /// <summary>SSIM constants of Wang et al.: K1 = 0.01, K2 = 0.03, data range 1.</summary>
    public const double K1 = 0.01, K2 = 0.03;

    /// <summary>PSNR in dB: 10 log10(1 / MSE); +infinity for identical images.</summary>
    public static double[] PsnrDb(Tensor images, Tensor reference)
    {
        CheckPair(images, reference);
        return PsnrDb(images, reference, peak: 1);
    }

    /// <summary>
    /// PSNR in dB of each item of <paramref name="output"/> (any shape with a leading batch axis)
    /// against <paramref name="reference"/>, for signals of peak-to-peak range <paramref name="peak"/>:
    /// 20 log10(peak) - 10 log10(MSE); +infinity for identical items.
    /// </summary>
    public static double[] PsnrDb(Tensor output, Tensor reference, double peak)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reference);
        if (!output.shape.SequenceEqual(reference.shape) || output.dim() == 0)
        {
            throw new ArgumentException($"Shapes differ or have no batch axis: [{string.Join(", ", output.shape)}] vs [{string.Join(", ", reference.shape)}].", nameof(output));
        }

        if (!(peak > 0) || !double.IsFinite(peak))
        {
            throw new ArgumentOutOfRangeException(nameof(peak), peak, "The peak-to-peak range must be a positive number.");
        }

        using var scope = NewDisposeScope();
        // square(), not pow(2): TorchSharp leaves pow's implicit Scalar to the finalizer (dotnet/TorchSharp#1496),
        // and one CI run failed a libtorch Scalar assert inside pow here.
        var mse = (output.to_type(ScalarType.Float64) - reference.to_type(ScalarType.Float64)).square().flatten(1).mean([1L]);
        var peakDb = 20 * Math.Log10(peak);
        return mse.data<double>().ToArray().Select(m => m == 0 ? double.PositiveInfinity : peakDb - (10 * Math.Log10(m))).ToArray();
    }

    /// <summary>mean|images - reference| / mean|reference| per image (any shape with a leading batch axis).</summary>
    public static double[] RelativeL1(Tensor output, Tensor reference)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reference);
        if (!output.shape.SequenceEqual(reference.shape))
        {
            throw new ArgumentException($"Shapes differ: [{string.Join(", ", output.shape)}] vs [{string.Join(", ", reference.shape)}].", nameof(output));
        }

        using var scope = NewDisposeScope();
        var a = output.to_type(ScalarType.Float64).flatten(1);
        var b = reference.to_type(ScalarType.Float64).flatten(1);
        var ratio = (a - b).abs().mean([1L]) / b.abs().mean([1L]).clamp_min(1e-300);
        return ratio.data<double>().ToArray();
    }

    /// <summary>
    /// SSIM with an 11x11 Gaussian window (sigma 1.5) over the valid region, per channel, averaged over
    /// channels and positions. Images must be at least 11 pixels on each side.
    /// </summary>
    public static double[] Ssim(Tensor images, Tensor reference, int window = 11, double sigma = 1.5)
    {
        CheckPair(images, reference);
        if (images.shape[2] < window || images.shape[3] < window)
        {
            throw new ArgumentException($"SSIM needs images of at least {window}x{window}, got {images.shape[2]}x{images.shape[3]}.", nameof(images));
        }

        using var scope = NewDisposeScope();
        var x = images.to_type(ScalarType.Float64);
        var y = reference.to_type(ScalarType.Float64);
        // The window is the outer product of a 1-D Gaussian, so the valid-region filter is two banded
        // matrix products (rows, then columns): the same sums as a depthwise conv2d, without the conv
        // path (whose CPU backend warns on hosts without NNPACK).
        var gaussian = GaussianWindow(window, sigma, images.device)[0, 0].sum([0L]);
        var rows = Band(gaussian, images.shape[2]);
        var columns = Band(gaussian, images.shape[3]).t();
        Tensor Filter(Tensor t) => matmul(matmul(rows, t), columns);
        var (c1, c2) = (K1 * K1, K2 * K2);
        var muX = Filter(x);
        var muY = Filter(y);
        var varX = Filter(x * x) - muX * muX;
        var varY = Filter(y * y) - muY * muY;
        var covariance = Filter(x * y) - muX * muY;
        var map = (2 * muX * muY + c1) * (2 * covariance + c2) / ((muX * muX + muY * muY + c1) * (varX + varY + c2));
        return map.mean([1L, 2L, 3L]).data<double>().ToArray();
    }

    /// <summary>The [size - w + 1, size] matrix whose row i holds <paramref name="taps"/> at columns i..i + w - 1.</summary>
    private static Tensor Band(Tensor taps, long size)
    {
        var window = taps.shape[0];
        var rows = size - window + 1;
        var paddedRow = cat([taps, zeros(size + 1 - window, taps.dtype, taps.device)]);
        return paddedRow.repeat(rows).narrow(0, 0, rows * size).view(rows, size);
    }

    /// <summary>Normalised 2-D Gaussian window [1, 1, size, size] in float64.</summary>
    public static Tensor GaussianWindow(int size, double sigma, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        using var scope = NewDisposeScope();
        var offsets = arange(size, ScalarType.Float64, device) - (size - 1) / 2.0;
        var g = exp(-offsets.square() / (2 * sigma * sigma));
        g = g / g.sum();
        return outer(g, g).view(1, 1, size, size).MoveToOuterDisposeScope();
    }

    private static void CheckPair(Tensor images, Tensor reference)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(reference);
        if (images.dim() != 4 || !images.shape.SequenceEqual(reference.shape))
        {
            throw new ArgumentException($"Expected two [B, C, H, W] batches of the same shape, got [{string.Join(", ", images.shape)}] and [{string.Join(", ", reference.shape)}].", nameof(images));
        }
    }
}
