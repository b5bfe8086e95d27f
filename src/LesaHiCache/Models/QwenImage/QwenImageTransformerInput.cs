using LesaHiCache.Caching;
using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.QwenImage;

/// <summary>The inputs of one <see cref="QwenImageTransformer"/> forward.</summary>
/// <param name="Image">Packed latent tokens [B, L_img, in_channels].</param>
/// <param name="Text">Text encoder token features [B, L_txt, joint_attention_dim] (unpadded: every item's tokens are real).</param>
/// <param name="Timestep">Flow times [B] in [0, 1].</param>
/// <param name="Rope">RoPE tables of the [text, image] tokens (<see cref="QwenImageTransformer.RotaryTablesFor"/>).</param>
/// <param name="Cache">This call's view of a cache session; null runs every block.</param>
public sealed record QwenImageTransformerInput(Tensor Image, Tensor Text, Tensor Timestep, RotaryTables Rope, CacheForward? Cache = null);
