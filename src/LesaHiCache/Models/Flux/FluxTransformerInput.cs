using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// One forward's inputs, shaped as diffusers' <c>FluxTransformer2DModel.forward</c> takes them.
/// </summary>
/// <param name="Image">Packed image tokens [B, L_img, in_channels].</param>
/// <param name="Text">Text token features [B, L_txt, joint_attention_dim].</param>
/// <param name="Pooled">Pooled text vector [B, pooled_projection_dim].</param>
/// <param name="Timestep">Flow time t in [0, 1] (1 = noise), [B]; the model scales it by 1000.</param>
/// <param name="ImageIds">Image token positions [L_img, axes].</param>
/// <param name="TextIds">Text token positions [L_txt, axes] (zeros in FLUX).</param>
/// <param name="Guidance">Distilled guidance scale [B], for configs with guidance_embeds.</param>
/// <param name="Cache">This forward's view of a feature cache (<see cref="LesaHiCache.Caching.CacheSession.NextForward"/>); null computes everything.</param>
/// <param name="Rope">RoPE tables for [text, image] ids, when the caller keeps them across steps
/// (<see cref="FluxTransformer.RotaryTablesFor"/>); null computes them from the ids.</param>
/// <param name="Conditioning">The conditioning vector [B, inner_dim] of these Timestep, Pooled and
/// Guidance values when the caller computed it ahead (a row of <see cref="FluxTransformer.ConditioningTable"/>);
/// null embeds them here.</param>
public sealed record FluxTransformerInput(
    Tensor Image,
    Tensor Text,
    Tensor Pooled,
    Tensor Timestep,
    Tensor ImageIds,
    Tensor TextIds,
    Tensor? Guidance = null,
    LesaHiCache.Caching.CacheForward? Cache = null,
    RotaryTables? Rope = null,
    Tensor? Conditioning = null);
