using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>Shift and scale applied after a non-affine LayerNorm: norm(x) (1 + scale) + shift.</summary>
internal static class Modulation
{
    public static Tensor LayerNorm(Tensor x, double eps = 1e-6) =>
        nn.functional.layer_norm(x, [x.shape[^1]], eps: eps);

    /// <summary>shift and scale are [B, C]; x is [B, L, C].</summary>
    public static Tensor Apply(Tensor normed, Tensor shift, Tensor scale)
    {
        using var unsqueezed = scale.unsqueeze(1);
        using var factor = unsqueezed.add(Scalars.One);
        using var offset = shift.unsqueeze(1);
        return offset.addcmul(normed, factor, Scalars.One);
    }
}
