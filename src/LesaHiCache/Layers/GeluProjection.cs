using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>Linear followed by tanh-approximated GELU (diffusers <c>GELU(approximate="tanh")</c>).</summary>
internal sealed class GeluProjection : nn.Module<Tensor, Tensor>
{
    private readonly LinearLayer proj;

    /// <summary>Creates the projection.</summary>
    public GeluProjection(long inFeatures, long outFeatures, ModuleBuild build) : base(nameof(GeluProjection))
    {
        proj = new LinearLayer(inFeatures, outFeatures, build);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var hidden = proj.call(input);
        return nn.functional.gelu(hidden, TorchSharp.Modules.GELU.Approximate.tanh);
    }
}
