using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.QwenImage;

/// <summary>
/// Qwen-Image's conditioning vector (diffusers <c>QwenTimestepProjEmbeddings</c>): an MLP of the
/// 256-channel sinusoid of 1000 t (cos first); no text or guidance term.
/// </summary>
internal sealed class QwenTimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private const int TimeChannels = 256;
    private readonly MlpEmbedding timestep_embedder;

    public QwenTimestepEmbedding(long dim, ModuleBuild build) : base(nameof(QwenTimestepEmbedding))
    {
        timestep_embedder = new MlpEmbedding(TimeChannels, dim, build);
        RegisterComponents();
    }

    /// <summary>Timesteps [B] already scaled by 1000, in the model's dtype; returns [B, dim].</summary>
    public override Tensor forward(Tensor scaledTimesteps)
    {
        using var sinusoid = SinusoidalEmbedding.Compute(scaledTimesteps, TimeChannels);
        using var typed = sinusoid.to_type(scaledTimesteps.dtype);
        return timestep_embedder.forward(typed);
    }
}
