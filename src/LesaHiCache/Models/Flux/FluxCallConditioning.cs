using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// What every block of one transformer call shares: silu(temb), computed on first use (a model-level
/// forecast step runs no block and never computes it), and the RoPE tables.
/// </summary>
internal sealed class FluxCallConditioning(Tensor temb, RotaryTables rope) : IDisposable
{
    private Tensor? activated;

    /// <summary>silu(temb), owned here (not by the dispose scope of the block that first asks).</summary>
    public Tensor Activated => activated ??= nn.functional.silu(temb).DetachFromDisposeScope();

    public RotaryTables Rope => rope;

    public void Dispose() => activated?.Dispose();
}
