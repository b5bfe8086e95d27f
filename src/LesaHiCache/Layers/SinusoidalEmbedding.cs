using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>Sinusoidal timestep features (diffusers <c>Timesteps(256, flip_sin_to_cos=True, shift=0)</c>).</summary>
public static class SinusoidalEmbedding
{
    /// <summary>[B] timesteps to [B, channels] float32 features: cos then sin of t * 10000^(-i / (channels/2)).</summary>
    public static Tensor Compute(Tensor timesteps, int channels = 256, double maxPeriod = 10000.0)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        using var scope = NewDisposeScope();
        var half = channels / 2;
        using var rate = Scalars.Of(-Math.Log(maxPeriod) / half);
        var exponent = arange(0, half, ScalarType.Float32, timesteps.device).mul(rate);
        var arguments = timesteps.to_type(ScalarType.Float32).unsqueeze(1) * exp(exponent).unsqueeze(0);
        return cat([cos(arguments), sin(arguments)], dim: -1).MoveToOuterDisposeScope();
    }
}
