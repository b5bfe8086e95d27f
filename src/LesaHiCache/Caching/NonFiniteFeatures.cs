namespace LesaHiCache.Caching;

/// <summary>Where a full step first computed NaN or infinite features.</summary>
/// <param name="Step">The step.</param>
/// <param name="Item">The cached item.</param>
/// <param name="Rows">The indices along the item's first dimension (images, or CFG halves of a batched call) holding a non-finite value.</param>
public sealed record NonFiniteFeatures(int Step, CacheItemKey Item, IReadOnlyList<long> Rows)
{
    /// <inheritdoc />
    public override string ToString() => $"step {Step}, '{Item}', rows [{string.Join(", ", Rows)}]";
}
