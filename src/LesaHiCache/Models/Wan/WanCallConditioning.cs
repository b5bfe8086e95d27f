using LesaHiCache.Models.Flux;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// What every block of one transformer call shares: the time projection [B, 6, dim] (float32), computed
/// on first use (a model-level forecast step runs no block and never computes it), and the RoPE tables.
/// </summary>
internal sealed class WanCallConditioning(WanConditionEmbedder embedder, Tensor temb, long dim, RotaryTables rope) : IDisposable
{
    private Tensor? projection;

    /// <summary>timestep_proj unflattened to [B, 6, dim], float32, owned here.</summary>
    public Tensor Projection => projection ??= Compute();

    public RotaryTables Rope => rope;

    public void Dispose() => projection?.Dispose();

    private Tensor Compute()
    {
        using var scope = NewDisposeScope();
        return embedder.Projection(temb).unflatten(1, [6, dim]).to_type(ScalarType.Float32).DetachFromDisposeScope();
    }
}
