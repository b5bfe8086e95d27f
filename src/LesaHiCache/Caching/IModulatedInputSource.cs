using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// A block adapter that can give its modulated input without running: what TeaCache measures on the
/// first block (for FLUX-style blocks, LayerNorm(x) (1 + scale_msa) + shift_msa of the image stream).
/// </summary>
public interface IModulatedInputSource
{
    /// <summary>The modulated input for the cached stream <paramref name="hidden"/> entering the block (a new tensor).</summary>
    Tensor ModulatedInput(Tensor hidden);
}
