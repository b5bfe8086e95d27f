using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>
/// The patch embedding's 3-D convolution (diffusers <c>x_embedder.proj</c>, kernel = stride = the
/// patch), kept as its weight [out, C, pt, p, p] and applied to packed tokens: a convolution whose
/// stride is its kernel maps each patch on its own, so it is one linear map of the patch's values in
/// (channel, t, y, x) order, which is how <see cref="HunyuanVideoPacking"/> lays a token out.
/// </summary>
internal sealed class HunyuanVideoPatchProjection : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter weight;
    private readonly TorchSharp.Modules.Parameter bias;

    public HunyuanVideoPatchProjection(long channels, long dim, long patchT, long patch, ModuleBuild build) : base(nameof(HunyuanVideoPatchProjection))
    {
        weight = build.NewParameter(dim, channels, patchT, patch, patch);
        bias = build.NewParameter(dim);
        if (build.ShouldInitialize)
        {
            using var _ = no_grad();
            // torch.nn.Conv3d.reset_parameters: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C pt p p.
            var bound = 1.0 / Math.Sqrt(channels * patchT * patch * patch);
            weight.uniform_(-bound, bound);
            bias.uniform_(-bound, bound);
        }

        RegisterComponents();
    }

    /// <summary>Packed tokens [B, L, C pt p p] to [B, L, dim].</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var flat = weight.reshape(weight.shape[0], -1);
        return nn.functional.linear(tokens, flat, bias);
    }
}
