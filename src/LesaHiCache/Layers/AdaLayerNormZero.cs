using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>
/// adaLN-Zero (diffusers <c>AdaLayerNormZero</c>): <c>linear(silu(temb))</c> gives six vectors;
/// the first two modulate the attention input.
/// </summary>
internal sealed class AdaLayerNormZero : nn.Module<Tensor, Tensor, (Tensor Normed, ZeroModulation Modulation)>
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
