using static TorchSharp.torch;

namespace LesaHiCache.Sampling;

/// <summary>What the per-step callback sees after step <see cref="Index"/> has been taken.</summary>
/// <param name="Index">Step index s, 0-based.</param>
/// <param name="Steps">Total steps S.</param>
/// <param name="Time">Flow time t_s the model was evaluated at.</param>
/// <param name="NextTime">Flow time t_{s+1} the latents are now at.</param>
/// <param name="Latents">Latents after the step [B, L, C]; valid only during the callback.</param>
public sealed record SamplerStep(int Index, int Steps, double Time, double NextTime, Tensor Latents);
