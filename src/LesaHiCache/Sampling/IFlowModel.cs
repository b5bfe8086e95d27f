using static TorchSharp.torch;

namespace LesaHiCache.Sampling;

/// <summary>A model that predicts the flow velocity v = noise - data for packed latents.</summary>
public interface IFlowModel
{
    /// <summary>
    /// Velocity [B, L, C] (float32) for latents [B, L, C] at flow times <paramref name="time"/> [B]
    /// (1 = noise, 0 = data) under <paramref name="text"/>.
    /// </summary>
    Tensor Velocity(Tensor latents, Tensor time, TextConditioning text);

    /// <summary>
    /// Velocity for latents that all sit at flow time <paramref name="time"/>, which is how the
    /// sampler evaluates. By default the same as the tensor overload; a model may override it to
    /// reuse work that depends on the time only (a table per generation, say).
    /// </summary>
    Tensor Velocity(Tensor latents, double time, TextConditioning text)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var value = LesaHiCache.Layers.Scalars.Of(time);
        using var times = full(latents.shape[0], value, ScalarType.Float32, latents.device);
        return Velocity(latents, times, text);
    }

    /// <summary>
    /// Called by the sampler before the first step with the schedule's times t_0 = 1 .. t_S = 0, the
    /// number of images and how it will evaluate CFG.
    /// </summary>
    void BeginGeneration(IReadOnlyList<double> times, long batch, CfgLayout cfg)
    {
    }

    /// <summary>Called by the sampler before the evaluations of step <paramref name="step"/>.</summary>
    void BeginStep(int step)
    {
    }

    /// <summary>Called by the sampler when the generation ends (also on cancellation or error).</summary>
    void EndGeneration()
    {
    }
}
