using LesaHiCache.Evaluation;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Evaluation;

public class ImageMetricsTests
{
    private static Tensor RandomImages(int seed) => rand([2, 3, 16, 16], generator: new TorchSharp.torch.Generator((ulong)seed), dtype: ScalarType.Float64) * 0.8 + 0.1;

    [Fact]
    public void IdenticalImages_AreInfinitePsnr_UnitSsim_ZeroL1()
    {
        using var a = RandomImages(1);
        Assert.All(ImageMetrics.PsnrDb(a, a), v => Assert.Equal(double.PositiveInfinity, v));
        Assert.All(ImageMetrics.Ssim(a, a), v => Assert.Equal(1.0, v, 12));
        Assert.All(ImageMetrics.RelativeL1(a, a), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void ConstantOffset_HasTheClosedFormPsnrAndL1()
    {
        using var a = RandomImages(2);
        using var b = a + 0.1;
        // MSE = 0.01 -> 20 dB.
        Assert.All(ImageMetrics.PsnrDb(b, a), v => Assert.Equal(20.0, v, 9));
        var meanAbs = a.abs().mean([1L, 2L, 3L]).data<double>().ToArray();
        Assert.Equal(meanAbs.Select(m => 0.1 / m), ImageMetrics.RelativeL1(b, a), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void ConstantImages_WithAnOffset_HaveTheClosedFormSsim()
    {
        // Flat images: all variances are 0, so SSIM = (2 a b + C1) / (a^2 + b^2 + C1).
        using var a = full([1, 3, 12, 12], 0.3, ScalarType.Float64);
        using var b = full([1, 3, 12, 12], 0.5, ScalarType.Float64);
        const double C1 = 0.01 * 0.01;
        Assert.Equal((2 * 0.3 * 0.5 + C1) / (0.09 + 0.25 + C1), ImageMetrics.Ssim(a, b)[0], 10);
    }

    [Fact]
    public void Ssim_OfABlurredImage_MatchesAnExplicitLoopComputation()
    {
        using var sharp = RandomImages(3)[..1];
        // A known blur: 3x3 box filter with edge replication.
        using var padded = nn.functional.pad(sharp, [1, 1, 1, 1], TorchSharp.PaddingModes.Replicate);
        using var blurred = nn.functional.avg_pool2d(padded, 3, stride: 1);
        var expected = LoopSsim(blurred, sharp);
        Assert.Equal(expected, ImageMetrics.Ssim(blurred, sharp)[0], 10);
        Assert.InRange(expected, 0.05, 0.95);
    }

    /// <summary>SSIM by explicit sums over every 11x11 window (independent of the conv2d path).</summary>
    private static double LoopSsim(Tensor x, Tensor y)
    {
        const int Size = 11;
        const double Sigma = 1.5, C1 = 0.0001, C2 = 0.0009;
        var w = new double[Size, Size];
        double total = 0;
        for (var i = 0; i < Size; i++)
        {
            for (var j = 0; j < Size; j++)
            {
                w[i, j] = Math.Exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * Sigma * Sigma));
                total += w[i, j];
            }
        }

        var (channels, height, width) = ((int)x.shape[1], (int)x.shape[2], (int)x.shape[3]);
        var xs = x.data<double>().ToArray();
        var ys = y.data<double>().ToArray();
        double sum = 0;
        var count = 0;
        for (var c = 0; c < channels; c++)
        {
            for (var top = 0; top + Size <= height; top++)
            {
                for (var left = 0; left + Size <= width; left++)
                {
                    double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                    for (var i = 0; i < Size; i++)
                    {
                        for (var j = 0; j < Size; j++)
                        {
                            var k = w[i, j] / total;
                            var p = (c * height + top + i) * width + left + j;
                            mx += k * xs[p];
                            my += k * ys[p];
                            xx += k * xs[p] * xs[p];
                            yy += k * ys[p] * ys[p];
                            xy += k * xs[p] * ys[p];
                        }
                    }

                    var (vx, vy, cov) = (xx - mx * mx, yy - my * my, xy - mx * my);
                    sum += (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                    count++;
                }
            }
        }

        return sum / count;
    }

    [Fact]
    public void MismatchedShapes_AreRejected()
    {
        using var a = zeros(1, 3, 16, 16);
        using var b = zeros(1, 3, 16, 15);
        Assert.Throws<ArgumentException>(() => ImageMetrics.PsnrDb(a, b));
        using var tiny = zeros(1, 3, 8, 8);
        Assert.Throws<ArgumentException>(() => ImageMetrics.Ssim(tiny, tiny));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
