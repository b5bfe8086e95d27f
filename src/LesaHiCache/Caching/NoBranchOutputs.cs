using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>Branch outputs nobody records (uncached calls, model and block level).</summary>
internal sealed class NoBranchOutputs : IBranchOutputs
{
    public static NoBranchOutputs Instance { get; } = new();

    public void Computed(int slot, Tensor output)
    {
    }
}
