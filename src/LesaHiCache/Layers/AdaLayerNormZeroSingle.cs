using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>
/// adaLN-Zero for single-stream blocks (diffusers <c>AdaLayerNormZeroSingle</c>): shift, scale, gate.
/// </summary>
internal sealed class AdaLayerNormZeroSingle : nn.Module<Tensor, Tensor, (Tensor Normed, Tensor Gate)>
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
