using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// Wan's patch embedding, torch <c>nn.Conv3d(in, dim, kernel_size=patch, stride=patch)</c>: keys
/// <c>weight</c> [dim, in, pt, ph, pw] and <c>bias</c> [dim], so diffusers checkpoints load as they are.
/// Built like <see cref="LinearLayer"/>, without initialisation when asked (meta, or before loading).
/// </summary>
internal sealed class WanPatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter weight;
    private readonly TorchSharp.Modules.Parameter bias;
    private readonly long[] patch;

    public WanPatchEmbedding(long inChannels, long dim, IReadOnlyList<int> patchSize, ModuleBuild build) : base(nameof(WanPatchEmbedding))
    {
        ArgumentNullException.ThrowIfNull(patchSize);
        ArgumentNullException.ThrowIfNull(build);
        patch = [.. patchSize.Select(p => (long)p)];
        weight = build.NewParameter([dim, inChannels, .. patch]);
        bias = build.NewParameter(dim);
        if (build.ShouldInitialize)
        {
            using var _ = no_grad();
            // torch.nn.Conv3d.reset_parameters: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
            var bound = 1.0 / Math.Sqrt(inChannels * patch.Aggregate(1L, (a, b) => a * b));
            weight.uniform_(-bound, bound);
            bias.uniform_(-bound, bound);
        }

        RegisterComponents();
    }

    /// <summary>[B, C, F, H, W] latents to [B, dim, F / pt, H / ph, W / pw].</summary>
    public override Tensor forward(Tensor input) => nn.functional.conv3d(input, weight, bias, strides: patch);
}
