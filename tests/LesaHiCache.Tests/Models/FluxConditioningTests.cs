using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

/// <summary>The per-generation conditioning tables: the same velocities as conditioning every evaluation, nothing kept after a generation.</summary>
public sealed class FluxConditioningTests : IDisposable
{
    private static readonly double[] Times = [1.0, 0.7, 0.45, 0.2, 0.0];
    private readonly FluxTransformer transformer;
    private readonly TextConditioning text;
    private readonly Tensor latents;

    public FluxConditioningTests()
    {
        manual_seed(41);
        transformer = new FluxTransformer(TestConfigs.Tiny(guidance: true));
        transformer.eval();
        var generator = new TorchSharp.torch.Generator(9);
        text = new TextConditioning(randn([3, 4, 12], generator: generator), randn([3, 6], generator: generator));
        latents = randn([3, 6, 8], generator: generator);
    }

    public void Dispose()
    {
        transformer.Dispose();
        text.Tokens.Dispose();
        text.Pooled.Dispose();
        latents.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TableRows_GiveTheForwardsOwnConditioning(bool guidance)
    {
        using var model = new FluxTransformer(TestConfigs.Tiny(guidance));
        using var input = FluxTransformerTests.TinyInput(model.Config, batch: 2, guidance);
        var v = input.Value;
        using var times = tensor(new[] { 0.9f, 0.5f, 0.25f });
        using var table = model.ConditioningTable(times, v.Pooled, v.Guidance);
        Assert.Equal(new long[] { 3, 2, model.Config.InnerDim }, table.shape);
        for (var s = 0; s < 3; s++)
        {
            using var time = full(2, times[s].item<float>());
            using var row = table[s];
            using var own = model.forward(v with { Timestep = time });
            using var fromTable = model.forward(v with { Timestep = time, Conditioning = row });
            Assert.True(allclose(fromTable, own, rtol: 1e-5, atol: 1e-6), $"time {s}");
        }
    }

    [Fact]
    public void ConditioningOfTheWrongShape_IsAClearError()
    {
        using var input = FluxTransformerTests.TinyInput(transformer.Config, batch: 2, guidance: true);
        using var wrong = zeros(2, transformer.Config.InnerDim + 1);
        var error = Assert.Throws<ArgumentException>(() => transformer.forward(input.Value with { Conditioning = wrong }));
        Assert.Contains("Conditioning", error.Message, StringComparison.Ordinal);

        using var times = tensor(new[] { 0.5f });
        Assert.Contains("guidance", Assert.Throws<ArgumentException>(() => transformer.ConditioningTable(times, input.Value.Pooled)).Message, StringComparison.Ordinal);
        using var pooled = zeros(2, 5);
        Assert.Contains("Pooled", Assert.Throws<ArgumentException>(() => transformer.ConditioningTable(times, pooled, input.Value.Guidance)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlowModel_InAGeneration_GivesTheVelocitiesOfPerEvaluationConditioning()
    {
        using var flow = new FluxFlowModel(transformer, 2, 3);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad(); // as the sampler runs it; with gradients there are no tables
        var expected = Times[..^1].Select(t => flow.Velocity(latents, full(3, t, ScalarType.Float32), text)).ToList();

        flow.BeginGeneration(Times, 3, CfgLayout.None);
        for (var s = 0; s < Times.Length - 1; s++)
        {
            flow.BeginStep(s);
            Assert.True(allclose(flow.Velocity(latents, Times[s], text), expected[s], rtol: 1e-5, atol: 1e-6), $"step {s}");
            // Another instance of the same conditioning (past the table budget after the first steps)
            // and a time that is no step's are conditioned per evaluation.
            Assert.True(allclose(flow.Velocity(latents, Times[s], text with { }), expected[s], rtol: 1e-5, atol: 1e-6), $"copy, step {s}");
        }

        using var between = flow.Velocity(latents, 0.6, text);
        using var perEvaluation = flow.Velocity(latents, full(3, 0.6, ScalarType.Float32), text);
        Assert.True(between.equal(perEvaluation).all().item<bool>());
        flow.EndGeneration();
    }

    [Fact]
    public void FlowModel_ConditionsAGenerationOnceFromItsFirstEvaluation()
    {
        using var flow = new FluxFlowModel(transformer, 2, 3);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = flow.Velocity(latents, full(3, Times[1], ScalarType.Float32), text);
        flow.BeginGeneration(Times, 3, CfgLayout.None);
        flow.BeginStep(0);
        flow.Velocity(latents, Times[0], text);
        // Changing the conditioning in place within a generation is not seen: the table was built.
        text.Pooled.add_(1);

        flow.BeginStep(1);
        var fromTable = flow.Velocity(latents, Times[1], text);
        var changed = flow.Velocity(latents, full(3, Times[1], ScalarType.Float32), text);
        flow.EndGeneration();
        text.Pooled.sub_(1);

        Assert.True(allclose(fromTable, expected, rtol: 1e-5, atol: 1e-6));
        Assert.False(allclose(changed, expected, rtol: 1e-3, atol: 1e-3));
    }

    [Fact]
    public void FlowModel_WithGradients_ConditionsEveryEvaluation_SoEachStepBacksUpAlone()
    {
        using var flow = new FluxFlowModel(transformer, 2, 3);
        flow.BeginGeneration(Times, 3, CfgLayout.None);
        using (enable_grad())
        {
            for (var s = 0; s < 2; s++)
            {
                flow.BeginStep(s);
                using var scope = NewDisposeScope();
                flow.Velocity(latents, Times[s], text).square().mean().backward();
            }
        }

        flow.EndGeneration();
        transformer.zero_grad();
    }

    [Fact]
    public void FlowModel_ReleasesItsTablesAtTheEndOfEveryGeneration()
    {
        using var flow = new FluxFlowModel(transformer, 2, 3);
        var options = new SamplerOptions { Steps = 6 };
        using (var warm = FlowMatchEulerSampler.Sample(flow, text, latents, options))
        {
        }

        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 5; i++)
        {
            using var result = FlowMatchEulerSampler.Sample(flow, text, latents, options);
            Assert.Equal(live + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
