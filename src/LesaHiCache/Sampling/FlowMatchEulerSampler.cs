using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Sampling;

/// <summary>
/// Flow-matching Euler sampler (diffusers <c>FlowMatchEulerDiscreteScheduler</c>):
/// x_{s+1} = x_s + (t_{s+1} - t_s) v(x_s, t_s), latents kept in float32.
/// </summary>
public static class FlowMatchEulerSampler
{
    /// <summary>
    /// Integrates from <paramref name="noise"/> [B, L, C] at t = 1 to t = 0 and returns the result
    /// (float32, on the noise's device). <paramref name="onStep"/> runs after every step.
    /// </summary>
    public static Tensor Sample(
        IFlowModel model,
        TextConditioning text,
        Tensor noise,
        SamplerOptions options,
        Action<SamplerStep>? onStep = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (noise.dim() != 3)
        {
            throw new ArgumentException($"Noise must be packed latents [B, L, C], got [{string.Join(", ", noise.shape)}].", nameof(noise));
        }

        var schedule = new FlowMatchSchedule(options.Steps, options.Shift, (int)noise.shape[1]);
        var times = schedule.Times;

        using var _ = no_grad();
        // Owns the batch-expanded conditioning views for the whole generation.
        using var generationScope = NewDisposeScope();
        var batch = noise.shape[0];
        text = text.ExpandTo(batch);
        var nullText = options.UsesCfg ? options.NullText!.ExpandTo(batch) : null;
        // [null; text] for one batched evaluation per step, built once per generation.
        var bothTexts = nullText is not null && nullText.Tokens.shape[1] == text.Tokens.shape[1] ? TextConditioning.Concat(nullText, text) : null;
        var latents = noise.to_type(ScalarType.Float32, copy: true).DetachFromDisposeScope();
        try
        {
            model.BeginGeneration(times, batch, nullText is null ? CfgLayout.None : bothTexts is not null ? CfgLayout.BatchedHalves : CfgLayout.SeparateCalls);
            for (var s = 0; s < schedule.Steps; s++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                model.BeginStep(s);
                var velocity = Velocity(model, latents, times[s], text, nullText, bothTexts, options);
                using var stepSize = (times[s + 1] - times[s]).ToScalar();
                var next = latents.add(velocity, stepSize).MoveToOuterDisposeScope();
                latents.Dispose();
                latents = next;
                onStep?.Invoke(new SamplerStep(s, schedule.Steps, times[s], times[s + 1], latents));
            }
        }
        catch
        {
            latents.Dispose();
            throw;
        }
        finally
        {
            model.EndGeneration();
        }

        return latents.MoveToOuterDisposeScope();
    }

    private static Tensor Velocity(IFlowModel model, Tensor latents, double t, TextConditioning text, TextConditioning? nullText, TextConditioning? bothTexts, SamplerOptions options)
    {
        if (nullText is null)
        {
            return model.Velocity(latents, t, text).to_type(ScalarType.Float32);
        }

        Tensor nullVelocity, textVelocity;
        if (bothTexts is not null)
        {
            // One evaluation of the doubled batch [null; text].
            var both = model.Velocity(cat([latents, latents]), t, bothTexts);
            var halves = both.to_type(ScalarType.Float32).chunk(2);
            (nullVelocity, textVelocity) = (halves[0], halves[1]);
        }
        else
        {
            nullVelocity = model.Velocity(latents, t, nullText).to_type(ScalarType.Float32);
            textVelocity = model.Velocity(latents, t, text).to_type(ScalarType.Float32);
        }

        using var difference = textVelocity - nullVelocity;
        using var weight = options.GuidanceScale.ToScalar();
        var combined = nullVelocity.add(difference, weight);
        if (options.CfgCombination == CfgCombination.Plain)
        {
            return combined;
        }

        using var conditionalNorm = textVelocity.norm(-1, keepdim: true);
        using var combinedNorm = combined.norm(-1, keepdim: true);
        using var ratio = conditionalNorm / combinedNorm;
        return combined.mul_(ratio);
    }
}
