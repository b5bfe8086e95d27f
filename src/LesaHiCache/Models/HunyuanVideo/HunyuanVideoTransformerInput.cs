using LesaHiCache.Caching;
using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>The inputs of one <see cref="HunyuanVideoTransformer"/> forward.</summary>
/// <param name="Video">Packed latent tokens [B, L_vid, C pt p p] (<see cref="HunyuanVideoPacking.Pack"/>).</param>
/// <param name="Text">Text encoder token features [B, L_txt, text_embed_dim] (unpadded: every item's tokens are real).</param>
/// <param name="Pooled">Pooled text vector [B, pooled_projection_dim].</param>
/// <param name="Timestep">Flow times [B] in [0, 1].</param>
/// <param name="Guidance">The embedded guidance scale [B] (models with guidance_embeds), unscaled (e.g. 6).</param>
/// <param name="Rope">RoPE tables of the [text, video] tokens (<see cref="HunyuanVideoTransformer.RotaryTablesFor"/>).</param>
/// <param name="Cache">This call's view of a cache session; null runs every block.</param>
public sealed record HunyuanVideoTransformerInput(Tensor Video, Tensor Text, Tensor Pooled, Tensor Timestep, Tensor? Guidance, RotaryTables Rope, CacheForward? Cache = null);
