using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Sampling;

public class FlowMatchEulerSamplerTests
{
    /// <summary>
    /// The exact velocity of the straight path from a single data point x0: v = (x_t - x0) / t.
    /// Euler integration follows a straight line exactly, so sampling must land on x0.
    /// </summary>
    private sealed class PointMassFlow(Tensor target) : IFlowModel
    {
        public Tensor Velocity(Tensor latents, Tensor time, TextConditioning text) =>
            (latents - target) / time.view(-1, 1, 1);
    }

    /// <summary>v = c_b everywhere, with c_b the first pooled value of item b.</summary>
    private sealed class ConstantFromPooled : IFlowModel
    {
        public int Calls { get; private set; }

        public Tensor Velocity(Tensor latents, Tensor time, TextConditioning text)
        {
            Calls++;
            return text.Pooled[.., 0].view(-1, 1, 1).expand_as(latents).clone();
        }
    }

    private static TextConditioning Text(params float[] pooledFirst)
    {
        var b = pooledFirst.Length;
        var pooled = zeros(b, 2);
        pooled[.., 0] = tensor(pooledFirst);
        return new TextConditioning(zeros(b, 3, 4), pooled);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    public void EulerOnStraightFlow_LandsExactlyOnTheData(int steps)
    {
        using var target = randn(2, 16, 4, generator: new TorchSharp.torch.Generator(1));
        using var noise = SeededNoise.Draw([10, 11], [16, 4], CPU);
        using var result = FlowMatchEulerSampler.Sample(new PointMassFlow(target), Text(0, 0), noise, new SamplerOptions { Steps = steps });
        Assert.True(allclose(result, target, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Cfg_CombinesNullAndTextVelocities()
    {
        // Constant velocity v integrates to x0 = x1 - v (the step sizes sum to -1).
        const double Scale = 4.0;
        using var noise = SeededNoise.Draw([3], [5, 2], CPU);
        var model = new ConstantFromPooled();
        var options = new SamplerOptions { Steps = 6, GuidanceScale = Scale, NullText = Text(0.5f) };

        using var result = FlowMatchEulerSampler.Sample(model, Text(2.0f), noise, options);

        var expectedVelocity = 0.5 + Scale * (2.0 - 0.5);
        Assert.True(allclose(result, noise - expectedVelocity, rtol: 1e-5, atol: 1e-5));
        Assert.Equal(6, model.Calls); // null and text batched into one evaluation per step
    }

    [Fact]
    public void Cfg_WithoutNullConditioning_IsAClearError()
    {
        using var noise = SeededNoise.Draw([3], [5, 2], CPU);
        var error = Assert.Throws<ArgumentException>(() =>
            FlowMatchEulerSampler.Sample(new ConstantFromPooled(), Text(1), noise, new SamplerOptions { GuidanceScale = 3 }));
        Assert.Contains("NullText", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Callback_SeesEveryStepInOrder()
    {
        using var noise = SeededNoise.Draw([3], [5, 2], CPU);
        var seen = new List<SamplerStep>();
        using var result = FlowMatchEulerSampler.Sample(new ConstantFromPooled(), Text(1), noise, new SamplerOptions { Steps = 5 }, seen.Add);
        Assert.Equal([0, 1, 2, 3, 4], seen.Select(s => s.Index));
        Assert.Equal(1.0, seen[0].Time, 12);
        Assert.Equal(0.0, seen[^1].NextTime);
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.Equal(pair.First.NextTime, pair.Second.Time));
    }

    [Fact]
    public void Cancellation_StopsBetweenSteps()
    {
        using var noise = SeededNoise.Draw([3], [5, 2], CPU);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => FlowMatchEulerSampler.Sample(
            new ConstantFromPooled(), Text(1), noise, new SamplerOptions { Steps = 5 }, s => { if (s.Index == 1) cts.Cancel(); }, cts.Token));
    }

    [Fact]
    public void SeededNoise_DependsOnlyOnTheSeed()
    {
        using var alone = SeededNoise.Draw([42], [8, 3], CPU);
        using var again = SeededNoise.Draw([42], [8, 3], CPU);
        using var inBatch = SeededNoise.Draw([7, 42, 9], [8, 3], CPU);
        Assert.True(alone.eq(again).all().item<bool>());
        Assert.True(alone[0].eq(inBatch[1]).all().item<bool>());
        Assert.False(inBatch[0].eq(inBatch[2]).all().item<bool>());
    }

    [Fact]
    public void FluxModel_SameSeedGivesTheSameBits()
    {
        manual_seed(5);
        using var transformer = new FluxTransformer(TestConfigs.Tiny(guidance: true));
        using var flux = new FluxFlowModel(transformer, heightTokens: 2, widthTokens: 3);
        var text = new TextConditioning(randn(1, 4, 12, generator: new TorchSharp.torch.Generator(2)), randn(1, 6, generator: new TorchSharp.torch.Generator(3)));
        var options = new SamplerOptions { Steps = 4, GuidanceScale = 2.0, NullText = new TextConditioning(zeros(1, 4, 12), zeros(1, 6)) };

        using var noise1 = SeededNoise.Draw([1, 2], [6, 8], CPU);
        using var first = FlowMatchEulerSampler.Sample(flux, text, noise1, options);
        using var noise2 = SeededNoise.Draw([1, 2], [6, 8], CPU);
        using var second = FlowMatchEulerSampler.Sample(flux, text, noise2, options);

        Assert.Equal(new long[] { 2, 6, 8 }, first.shape);
        Assert.True(first.eq(second).all().item<bool>());
        Assert.False(first[0].eq(first[1]).all().item<bool>());
    }

    [Fact]
    public void Pack_Unpack_RoundTrip_AndMatchDiffusersLayout()
    {
        using var image = arange(2 * 3 * 4 * 6, ScalarType.Float32).view(2, 3, 4, 6);
        using var packed = FluxPositions.Pack(image);
        Assert.Equal(new long[] { 2, 6, 12 }, packed.shape);
        // Token (row 0, col 1), channel 0 holds pixels (0,2),(0,3),(1,2),(1,3) of channel 0.
        Assert.Equal([2f, 3f, 8f, 9f], packed[0, 1, ..4].data<float>().ToArray());
        using var unpacked = FluxPositions.Unpack(packed, 4, 6);
        Assert.True(unpacked.eq(image).all().item<bool>());
    }
}
