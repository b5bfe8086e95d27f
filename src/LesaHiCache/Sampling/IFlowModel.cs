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
}
