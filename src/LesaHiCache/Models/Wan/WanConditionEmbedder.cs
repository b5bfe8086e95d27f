using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// Wan's conditioning (diffusers <c>WanTimeTextImageEmbedding</c> without the image embedder):
/// <c>time_embedder</c> (an MLP of the <c>freq_dim</c>-channel sinusoid of 1000 t, cos first),
/// <c>time_proj</c> (SiLU then a linear to the six modulation vectors of every block) and
/// <c>text_embedder</c> (the text features projected to the model width).
/// </summary>
internal sealed class WanConditionEmbedder : nn.Module
{
    private readonly MlpEmbedding time_embedder;
    private readonly LinearLayer time_proj;
    private readonly WanTextProjection text_embedder;
    private readonly int freqDim;

    public WanConditionEmbedder(long dim, int freqDim, long textDim, ModuleBuild build) : base(nameof(WanConditionEmbedder))
    {
        this.freqDim = freqDim;
        time_embedder = new MlpEmbedding(freqDim, dim, build);
        time_proj = new LinearLayer(dim, 6 * dim, build);
        text_embedder = new WanTextProjection(textDim, dim, build);
        RegisterComponents();
    }

    /// <summary>temb [B, dim] in <paramref name="dtype"/> for flow times [B] in [0, 1] (the sinusoid of 1000 t is computed in float32).</summary>
    public Tensor Time(Tensor times, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(times);
        using var scope = NewDisposeScope();
        var scaled = times.to_type(ScalarType.Float32).mul(Scalars.Thousand);
        var sinusoid = SinusoidalEmbedding.Compute(scaled, freqDim).to_type(dtype);
        return time_embedder.forward(sinusoid).MoveToOuterDisposeScope();
    }

    /// <summary>timestep_proj = time_proj(silu(temb)), [B, 6 dim].</summary>
    public Tensor Projection(Tensor temb)
    {
        using var activated = nn.functional.silu(temb);
        return time_proj.call(activated);
    }

    /// <summary>Text features [B, L, text_dim] projected to [B, L, dim].</summary>
    public Tensor Text(Tensor text) => text_embedder.call(text);
}
