using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

public class RotaryEmbeddingTests
{
    [Fact]
    public void Apply_EqualsClosedFormPairRotation()
    {
        int[] axes = [2, 4, 6];
        const int Tokens = 4, Heads = 2, Dim = 12;
        const double Theta = 10000.0;
        long[,] positions = { { 0, 0, 0 }, { 0, 1, 2 }, { 3, 5, 7 }, { 1, 0, 9 } };
        var rope = new RotaryEmbedding(axes, Theta);
        using var ids = tensor(positions.Cast<long>().ToArray(), [Tokens, 3]);
        var (cosTable, sinTable) = rope.Tables(ids);
        using var c = cosTable;
        using var s = sinTable;
        using var x = randn([1, Tokens, Heads, Dim], generator: new TorchSharp.torch.Generator(3));
        var xa = x.data<float>().ToArray();

        using var rotated = RotaryEmbedding.Apply(x, c, s);
        var actual = rotated.data<float>().ToArray();

        for (var t = 0; t < Tokens; t++)
        for (var h = 0; h < Heads; h++)
        {
            var channel = 0;
            for (var axis = 0; axis < axes.Length; axis++)
            {
                for (var j = 0; j < axes[axis] / 2; j++, channel += 2)
                {
                    var angle = positions[t, axis] * Math.Pow(Theta, -2.0 * j / axes[axis]);
                    var offset = (t * Heads + h) * Dim + channel;
                    double a = xa[offset], b = xa[offset + 1];
                    Assert.Equal(a * Math.Cos(angle) - b * Math.Sin(angle), actual[offset], 5);
                    Assert.Equal(a * Math.Sin(angle) + b * Math.Cos(angle), actual[offset + 1], 5);
                }
            }
        }
    }

    [Fact]
    public void Apply_PreservesNormOfEveryPair()
    {
        var rope = new RotaryEmbedding([4, 4]);
        using var ids = tensor(new long[] { 5, 11, 2, 3 }, [2, 2]);
        var (c, s) = rope.Tables(ids);
        using var x = randn([2, 2, 1, 8], generator: new TorchSharp.torch.Generator(5));
        using var y = RotaryEmbedding.Apply(x, c, s);
        using var before = x.reshape(2, 2, 1, 4, 2).square().sum(-1);
        using var after = y.reshape(2, 2, 1, 4, 2).square().sum(-1);
        Assert.True(allclose(before, after, rtol: 1e-5, atol: 1e-5));
        c.Dispose();
        s.Dispose();
    }

    [Theory]
    [InlineData(new[] { 3, 4 })]
    [InlineData(new int[0])]
    public void Constructor_RejectsOddOrEmptyAxes(int[] axes) =>
        Assert.Throws<ArgumentException>(() => new RotaryEmbedding(axes));
}
