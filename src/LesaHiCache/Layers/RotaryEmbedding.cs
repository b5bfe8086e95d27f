using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>
/// Multi-axis rotary position embedding (FLUX's <c>FluxPosEmbed</c>): each token carries one
/// position per axis; axis i rotates <c>axesDims[i]</c> channels, pairs of adjacent channels
/// (2j, 2j+1) by the angle pos * theta^(-2j / axesDims[i]).
/// </summary>
internal sealed class RotaryEmbedding
{
    private readonly long[] axesDims;
    private readonly double theta;

    /// <summary>Creates the embedding for the given per-axis channel counts (each even).</summary>
    public RotaryEmbedding(IReadOnlyList<int> axesDims, double theta = 10000.0)
    {
        ArgumentNullException.ThrowIfNull(axesDims);
        if (axesDims.Count == 0 || axesDims.Any(d => d <= 0 || d % 2 != 0))
        {
            throw new ArgumentException($"RoPE axis dims must be positive and even, got [{string.Join(", ", axesDims)}].", nameof(axesDims));
        }

        this.axesDims = axesDims.Select(d => (long)d).ToArray();
        this.theta = theta;
    }

    /// <summary>Total rotated channels (must equal the attention head dim).</summary>
    public long Dim => axesDims.Sum();

    /// <summary>
    /// Cos and sin tables, each [tokens, Dim] float32, for position ids [tokens, axes].
    /// Angles are computed in float64 (where the device has it) as diffusers does.
    /// </summary>
    public (Tensor Cos, Tensor Sin) Tables(Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.dim() != 2 || ids.shape[1] != axesDims.Length)
        {
            throw new ArgumentException($"Position ids must be [tokens, {axesDims.Length}], got [{string.Join(", ", ids.shape)}].", nameof(ids));
        }

        using var scope = NewDisposeScope();
        var angleType = ids.device.type == DeviceType.MPS ? ScalarType.Float32 : ScalarType.Float64;
        var positions = ids.to_type(angleType);
        var angles = new List<Tensor>();
        for (var axis = 0; axis < axesDims.Length; axis++)
        {
            var dim = axesDims[axis];
            var exponents = arange(0, dim, 2, angleType, ids.device) / dim;
            var frequencies = pow(theta, exponents).reciprocal();
            angles.Add(outer(positions[.., axis], frequencies).repeat_interleave(2, dim: 1));
        }

        var all = cat(angles, dim: 1);
        var cosTable = all.cos().to_type(ScalarType.Float32).MoveToOuterDisposeScope();
        var sinTable = all.sin().to_type(ScalarType.Float32).MoveToOuterDisposeScope();
        return (cosTable, sinTable);
    }

    /// <summary>
    /// Rotates x [B, L, H, D] with tables [L, D]: out = x cos + rot(x) sin, where
    /// rot maps each pair (a, b) to (-b, a). Computed in float32, returned in x's dtype.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        using var scope = NewDisposeScope();
        var pairs = x.reshape([.. x.shape[..^1], -1, 2]);
        var real = pairs[TensorIndex.Ellipsis, 0];
        var imaginary = pairs[TensorIndex.Ellipsis, 1];
        var rotated = stack([-imaginary, real], dim: -1).flatten(3);
        var c = cos[TensorIndex.None, TensorIndex.Colon, TensorIndex.None, TensorIndex.Colon];
        var s = sin[TensorIndex.None, TensorIndex.Colon, TensorIndex.None, TensorIndex.Colon];
        var result = x.to_type(ScalarType.Float32) * c + rotated.to_type(ScalarType.Float32) * s;
        return result.to_type(x.dtype).MoveToOuterDisposeScope();
    }
}
