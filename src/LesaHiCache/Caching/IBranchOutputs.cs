using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// Where a block hands the outputs of its gated branches while it runs fully (the items of module-level
/// caching). The runner records them, compares them with their forecasts on a shadow step, or ignores
/// them; the block goes on with its own computation either way.
/// </summary>
public interface IBranchOutputs
{
    /// <summary>Outputs nobody records: for running a block outside the runner.</summary>
    static IBranchOutputs None => NoBranchOutputs.Instance;

    /// <summary>Branch <paramref name="slot"/> (0, 1, ... in the block's order) computed <paramref name="output"/>, before its gate.</summary>
    void Computed(int slot, Tensor output);
}
