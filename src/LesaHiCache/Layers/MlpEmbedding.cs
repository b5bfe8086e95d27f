using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>Two-layer MLP with SiLU between: keys <c>linear_1</c>, <c>linear_2</c>.</summary>
public sealed class MlpEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly LinearLayer linear_1;
    private readonly LinearLayer linear_2;

    /// <summary>Creates the embedding inDim -> dim -> dim.</summary>
    public MlpEmbedding(long inDim, long dim, ModuleBuild build) : base(nameof(MlpEmbedding))
    {
        linear_1 = new LinearLayer(inDim, dim, build);
        linear_2 = new LinearLayer(dim, dim, build);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var hidden = linear_1.call(input);
        using var activated = nn.functional.silu(hidden);
        return linear_2.call(activated);
    }
}
