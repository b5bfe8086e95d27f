using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>Linear followed by tanh-approximated GELU (diffusers <c>GELU(approximate="tanh")</c>).</summary>
public sealed class GeluProjection : nn.Module<Tensor, Tensor>
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

/// <summary>
/// The transformer MLP (diffusers <c>FeedForward</c> with "gelu-approximate"): keys
/// <c>net.0.proj</c> and <c>net.2</c>; <c>net.1</c> is the (inference-time inert) dropout.
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.ModuleList<nn.Module> net;

    /// <summary>Creates the MLP dim -> mult * dim -> dim.</summary>
    public FeedForward(long dim, ModuleBuild build, int mult = 4) : base(nameof(FeedForward))
    {
        net = nn.ModuleList<nn.Module>(new GeluProjection(dim, mult * dim, build), nn.Dropout(0.0), new LinearLayer(mult * dim, dim, build));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var hidden = ((GeluProjection)net[0]).call(input);
        return ((LinearLayer)net[2]).call(hidden);
    }
}
