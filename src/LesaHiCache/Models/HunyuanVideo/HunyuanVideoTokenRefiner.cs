using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>
/// diffusers <c>HunyuanVideoTokenRefiner</c> (the transformer's <c>context_embedder</c>): a conditioning
/// vector from the timestep and the mean of the text tokens, a linear into the model width, then
/// refiner blocks. Runs on every full step (it reads the timestep), never on a forecast step.
/// </summary>
internal sealed class HunyuanVideoTokenRefiner : nn.Module
{
    private readonly CombinedTimestepTextEmbedding time_text_embed;
    private readonly LinearLayer proj_in;
    private readonly HunyuanVideoIndividualTokenRefiner token_refiner;

    public HunyuanVideoTokenRefiner(long textDim, long dim, long heads, long headDim, int layers, ModuleBuild build) : base(nameof(HunyuanVideoTokenRefiner))
    {
        time_text_embed = new CombinedTimestepTextEmbedding(dim, textDim, withGuidance: false, build);
        proj_in = new LinearLayer(textDim, dim, build);
        token_refiner = new HunyuanVideoIndividualTokenRefiner(dim, heads, headDim, layers, build);
        RegisterComponents();
    }

    /// <summary>Text features [B, L, text_embed_dim] (every token real) and timesteps [B] scaled by 1000; returns [B, L, dim].</summary>
    public Tensor Forward(Tensor text, Tensor scaledTimestep)
    {
        using var scope = NewDisposeScope();
        var temb = time_text_embed.forward(scaledTimestep, null, text.mean([1]));
        return token_refiner.Forward(proj_in.call(text), temb).MoveToOuterDisposeScope();
    }
}
