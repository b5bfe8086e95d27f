using TorchSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>RMSNorm over the last axis with a learned scale, computed in float32.</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter weight;
    private readonly Scalar eps;

    /// <summary>Creates the norm for vectors of <paramref name="dim"/> values.</summary>
    public RmsNorm(long dim, ModuleBuild build, double eps = 1e-6) : base(nameof(RmsNorm))
    {
        ArgumentNullException.ThrowIfNull(build);
        weight = build.Ones(dim);
        this.eps = eps.ToScalar(); // held by the module: a per-call implicit Scalar can be finalized mid-call (Scalars)
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to_type(ScalarType.Float32);
        var normed = x * rsqrt(x.square().mean([-1L], keepdim: true).add(eps));
        return (normed.to_type(input.dtype) * weight).MoveToOuterDisposeScope();
    }
}
