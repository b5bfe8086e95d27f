using static TorchSharp.torch;

namespace LesaHiCache.Layers;

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
