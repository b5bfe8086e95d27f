using TorchSharp;
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
        using var factor = 1 + scale.unsqueeze(1);
        using var offset = shift.unsqueeze(1);
        return offset.addcmul(normed, factor, 1);
    }
}

/// <summary>The six modulation vectors of a double-stream block's stream, each [B, C].</summary>
public sealed record ZeroModulation(Tensor ShiftMsa, Tensor ScaleMsa, Tensor GateMsa, Tensor ShiftMlp, Tensor ScaleMlp, Tensor GateMlp);

/// <summary>
/// adaLN-Zero (diffusers <c>AdaLayerNormZero</c>): <c>linear(silu(temb))</c> gives six vectors;
/// the first two modulate the attention input.
/// </summary>
public sealed class AdaLayerNormZero : nn.Module<Tensor, Tensor, (Tensor Normed, ZeroModulation Modulation)>
{
    private readonly LinearLayer linear;

    /// <summary>Creates the layer for width <paramref name="dim"/>.</summary>
    public AdaLayerNormZero(long dim, ModuleBuild build) : base(nameof(AdaLayerNormZero))
    {
        linear = new LinearLayer(dim, 6 * dim, build);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override (Tensor Normed, ZeroModulation Modulation) forward(Tensor x, Tensor temb)
    {
        var modulation = Modulate(temb);
        return (NormalizeForAttention(x, modulation), modulation);
    }

    /// <summary>The six modulation vectors (cheap: one linear on the conditioning vector).</summary>
    public ZeroModulation Modulate(Tensor temb) => ModulateActivated(nn.functional.silu(temb));

    /// <summary>The six modulation vectors from silu(temb), which every block of a forward shares.</summary>
    public ZeroModulation ModulateActivated(Tensor activatedTemb)
    {
        var chunks = linear.call(activatedTemb).chunk(6, dim: 1);
        return new ZeroModulation(chunks[0], chunks[1], chunks[2], chunks[3], chunks[4], chunks[5]);
    }

    /// <summary>The two gates only (a third of the modulation's work): what a forecast step needs.</summary>
    public (Tensor GateMsa, Tensor GateMlp) Gates(Tensor activatedTemb)
    {
        var dim = linear.OutFeatures / 6;
        return (linear.ForwardRows(activatedTemb, 2 * dim, dim), linear.ForwardRows(activatedTemb, 5 * dim, dim));
    }

    /// <summary>norm(x) (1 + scale_msa) + shift_msa: the attention input.</summary>
    public static Tensor NormalizeForAttention(Tensor x, ZeroModulation modulation)
    {
        ArgumentNullException.ThrowIfNull(modulation);
        return Modulation.Apply(Modulation.LayerNorm(x), modulation.ShiftMsa, modulation.ScaleMsa);
    }

    /// <summary>norm(x) (1 + scale_mlp) + shift_mlp: the MLP input.</summary>
    public static Tensor NormalizeForMlp(Tensor x, ZeroModulation modulation)
    {
        ArgumentNullException.ThrowIfNull(modulation);
        return Modulation.Apply(Modulation.LayerNorm(x), modulation.ShiftMlp, modulation.ScaleMlp);
    }
}

/// <summary>
/// adaLN-Zero for single-stream blocks (diffusers <c>AdaLayerNormZeroSingle</c>): shift, scale, gate.
/// </summary>
public sealed class AdaLayerNormZeroSingle : nn.Module<Tensor, Tensor, (Tensor Normed, Tensor Gate)>
{
    private readonly LinearLayer linear;

    /// <summary>Creates the layer for width <paramref name="dim"/>.</summary>
    public AdaLayerNormZeroSingle(long dim, ModuleBuild build) : base(nameof(AdaLayerNormZeroSingle))
    {
        linear = new LinearLayer(dim, 3 * dim, build);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override (Tensor Normed, Tensor Gate) forward(Tensor x, Tensor temb)
    {
        var (shift, scale, gate) = Modulate(temb);
        return (Modulation.Apply(Modulation.LayerNorm(x), shift, scale), gate);
    }

    /// <summary>Shift, scale and gate (cheap: one linear on the conditioning vector).</summary>
    public (Tensor Shift, Tensor Scale, Tensor Gate) Modulate(Tensor temb) => ModulateActivated(nn.functional.silu(temb));

    /// <summary>Shift, scale and gate from silu(temb), which every block of a forward shares.</summary>
    public (Tensor Shift, Tensor Scale, Tensor Gate) ModulateActivated(Tensor activatedTemb)
    {
        var chunks = linear.call(activatedTemb).chunk(3, dim: 1);
        return (chunks[0], chunks[1], chunks[2]);
    }

    /// <summary>norm(x) (1 + scale) + shift.</summary>
    public static Tensor Normalize(Tensor x, Tensor shift, Tensor scale) => Modulation.Apply(Modulation.LayerNorm(x), shift, scale);

    /// <summary>The gate only (a third of the modulation's work): what a forecast step needs.</summary>
    public Tensor Gate(Tensor activatedTemb)
    {
        var dim = linear.OutFeatures / 3;
        return linear.ForwardRows(activatedTemb, 2 * dim, dim);
    }
}

/// <summary>
/// The output norm (diffusers <c>AdaLayerNormContinuous</c>): note the order scale, shift.
/// </summary>
public sealed class AdaLayerNormContinuous : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LinearLayer linear;

    /// <summary>Creates the layer for width <paramref name="dim"/> conditioned on <paramref name="conditioningDim"/>.</summary>
    public AdaLayerNormContinuous(long dim, long conditioningDim, ModuleBuild build) : base(nameof(AdaLayerNormContinuous))
    {
        linear = new LinearLayer(conditioningDim, 2 * dim, build);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x, Tensor conditioning)
    {
        var chunks = linear.forward(nn.functional.silu(conditioning).to_type(x.dtype)).chunk(2, dim: 1);
        return Modulation.Apply(Modulation.LayerNorm(x), shift: chunks[1], scale: chunks[0]);
    }
}
