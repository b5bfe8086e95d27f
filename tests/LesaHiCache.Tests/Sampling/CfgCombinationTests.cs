using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Sampling;

/// <summary>The CFG combinations against hand-computed velocities.</summary>
public class CfgCombinationTests
{
    /// <summary>Per token: v_text = (3, 4) for the prompt (first token feature 1), v_null = (1, 0) for the null prompt.</summary>
    private sealed class TwoVelocities : IFlowModel
    {
        public Tensor Velocity(Tensor latents, Tensor time, TextConditioning text)
        {
            using var isPrompt = text.Tokens[.., 0, 0].view(-1, 1, 1);
            using var prompt = tensor(new float[] { 3, 4 }).view(1, 1, 2);
            using var empty = tensor(new float[] { 1, 0 }).view(1, 1, 2);
            using var velocity = (isPrompt * prompt) + ((1 - isPrompt) * empty);
            return velocity.expand_as(latents).clone();
        }
    }

    [Theory]
    [InlineData(CfgCombination.Plain, 5, 8)]                 // (1, 0) + 2 ((3, 4) - (1, 0)) = (5, 8)
    [InlineData(CfgCombination.KeepConditionalNorm, 2.6500, 4.2400)] // (5, 8) * 5 / sqrt(89)
    public void OneStep_MovesByTheCombinedVelocity(CfgCombination combination, double x, double y)
    {
        using var prompt = ones(1, 1, 2);
        using var empty = zeros(1, 1, 2);
        using var noise = zeros(1, 3, 2);
        var options = new SamplerOptions
        {
            Steps = 1,
            Shift = TimestepShift.None,
            GuidanceScale = 2,
            NullText = new TextConditioning(empty, zeros(1, 1)),
            CfgCombination = combination,
        };
        using var result = FlowMatchEulerSampler.Sample(new TwoVelocities(), new TextConditioning(prompt, zeros(1, 1)), noise, options);
        // One Euler step from t = 1 to 0: x = noise - v.
        var values = result.data<float>().ToArray();
        for (var token = 0; token < 3; token++)
        {
            Assert.Equal(-x, values[2 * token], 3);
            Assert.Equal(-y, values[(2 * token) + 1], 3);
        }
    }
}
