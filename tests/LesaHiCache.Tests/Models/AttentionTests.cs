using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

public class AttentionTests
{
    [Fact]
    public void Compute_EqualsNaiveSoftmaxAttentionPerHead()
    {
        const int B = 2, L = 5, H = 3, D = 4;
        var generator = new TorchSharp.torch.Generator(7);
        using var q = randn([B, L, H, D], generator: generator);
        using var k = randn([B, L, H, D], generator: generator);
        using var v = randn([B, L, H, D], generator: generator);
        var qa = q.data<float>().ToArray();
        var ka = k.data<float>().ToArray();
        var va = v.data<float>().ToArray();

        using var result = Attention.Compute(q, k, v);

        Assert.Equal(new long[] { B, L, H * D }, result.shape);
        var actual = result.data<float>().ToArray();
        int Index(int b, int l, int h, int d) => ((b * L + l) * H + h) * D + d;
        for (var b = 0; b < B; b++)
        for (var h = 0; h < H; h++)
        for (var i = 0; i < L; i++)
        {
            var scores = new double[L];
            for (var j = 0; j < L; j++)
            {
                double dot = 0;
                for (var d = 0; d < D; d++)
                {
                    dot += qa[Index(b, i, h, d)] * (double)ka[Index(b, j, h, d)];
                }

                scores[j] = dot / Math.Sqrt(D);
            }

            var max = scores.Max();
            var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
            var total = weights.Sum();
            for (var d = 0; d < D; d++)
            {
                double expected = 0;
                for (var j = 0; j < L; j++)
                {
                    expected += weights[j] / total * va[Index(b, j, h, d)];
                }

                Assert.Equal(expected, actual[(b * L + i) * H * D + h * D + d], 5);
            }
        }
    }
}
