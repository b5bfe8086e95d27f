using LesaHiCache.Caching;
using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>The inputs of one <see cref="WanTransformer"/> forward.</summary>
/// <param name="Latents">Video latents [B, in_channels, F, H, W] (F, H, W multiples of the patch size).</param>
/// <param name="Text">Text encoder token features [B, L_txt, text_dim] (the pipeline's zero-padded 512 tokens; no mask).</param>
/// <param name="Timestep">Flow times [B] in [0, 1] (the model sees 1000 t, as the pipeline passes the scheduler's timesteps).</param>
/// <param name="Rope">RoPE tables of the video tokens (<see cref="WanTransformer.RotaryTablesFor"/>).</param>
/// <param name="Cache">This call's view of a cache session; null runs every block.</param>
public sealed record WanTransformerInput(Tensor Latents, Tensor Text, Tensor Timestep, RotaryTables Rope, CacheForward? Cache = null);
