namespace LesaHiCache.Lesa;

/// <summary>How a LESA predictor treats the two halves of classifier-free guidance.</summary>
public enum LesaCfgExperts
{
    /// <summary>One set of experts and one history per cached item, whatever its CFG rows hold.</summary>
    Shared,

    /// <summary>
    /// The reference's CFG variant (docs/algorithms.md, section 5): separate experts (mixer and KAN
    /// gain) and histories for the unconditional and the conditional rows, whether the sampler
    /// batches them in one call or makes one call for each.
    /// </summary>
    PerHalf,
}
