using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>RoPE cos/sin tables for the [text, image] token sequence of one forward, each [L, head_dim].</summary>
public sealed class RotaryTables(Tensor cos, Tensor sin) : IDisposable
{
    /// <summary>Cosines, float32 [L, head_dim].</summary>
    public Tensor Cos { get; } = cos;

    /// <summary>Sines, float32 [L, head_dim].</summary>
    public Tensor Sin { get; } = sin;

    /// <inheritdoc />
    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}
