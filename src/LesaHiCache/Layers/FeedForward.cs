using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>
/// The transformer MLP (diffusers <c>FeedForward</c> with "gelu-approximate"): keys
/// <c>net.0.proj</c> and <c>net.2</c>; <c>net.1</c> is the (inference-time inert) dropout.
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.ModuleList<nn.Module> net;

    /// <summary>Creates the MLP dim -> hidden -> dim, hidden = <paramref name="innerDim"/> when given (diffusers' <c>inner_dim</c>), else mult * dim.</summary>
    public FeedForward(long dim, ModuleBuild build, int mult = 4, long? innerDim = null) : base(nameof(FeedForward))
    {
        var hidden = innerDim ?? (mult * dim);
        net = nn.ModuleList<nn.Module>(new GeluProjection(dim, hidden, build), nn.Dropout(0.0), new LinearLayer(hidden, dim, build));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var hidden = ((GeluProjection)net[0]).call(input);
        return ((LinearLayer)net[2]).call(hidden);
    }
}
