using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>
/// y = x W^T + b, with parameters named <c>weight</c> and <c>bias</c> like torch.nn.Linear.
/// Unlike TorchSharp's Linear it can be built without initialisation, which makes building on
/// the meta device free and loading a checkpoint skip a pointless random fill.
/// </summary>
public sealed class LinearLayer : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter weight;
    private readonly TorchSharp.Modules.Parameter? bias;

    /// <summary>Creates the layer.</summary>
    public LinearLayer(long inFeatures, long outFeatures, ModuleBuild build, bool hasBias = true)
        : base(nameof(LinearLayer))
    {
        ArgumentNullException.ThrowIfNull(build);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        weight = build.NewParameter(outFeatures, inFeatures);
        bias = hasBias ? build.NewParameter(outFeatures) : null;
        if (build.ShouldInitialize)
        {
            using var _ = no_grad();
            // torch.nn.Linear.reset_parameters: kaiming_uniform(a = sqrt 5) == U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
            var bound = 1.0 / Math.Sqrt(inFeatures);
            weight.uniform_(-bound, bound);
            bias?.uniform_(-bound, bound);
        }
        RegisterComponents();
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The weight, [out, in].</summary>
    public Tensor Weight => weight;

    /// <summary>Outputs [start, start + count) only: x W[start:start+count]^T + b[start:start+count] (views of the parameters; no copy).</summary>
    public Tensor ForwardRows(Tensor input, long start, long count)
    {
        using var rows = weight.narrow(0, start, count);
        using var biasRows = bias?.narrow(0, start, count);
        return nn.functional.linear(input, rows, biasRows);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => nn.functional.linear(input, weight, bias);
}
