using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>Finds NaN and infinite values in features.</summary>
internal static class FiniteCheck
{
    /// <summary>
    /// Whether every value is finite. One sum decides almost always: a sum of finite values is finite
    /// unless it overflows, and any NaN or infinity makes it non-finite; only a non-finite sum is checked
    /// value by value.
    /// </summary>
    public static bool AllFinite(Tensor features)
    {
        using var _ = no_grad();
        using var sum = features.detach().sum(ScalarType.Float32);
        if (double.IsFinite(sum.item<float>()))
        {
            return true;
        }

        using var finite = features.detach().isfinite().all();
        return finite.item<bool>();
    }

    /// <summary>The indices along the first dimension holding a non-finite value (index 0 for a scalar).</summary>
    public static long[] NonFiniteRows(Tensor features)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var rows = features.dim() == 0 ? features.detach().reshape(1, 1) : features.detach().reshape(features.shape[0], -1);
        var bad = rows.isfinite().logical_not().any(1).nonzero().reshape(-1).cpu();
        return bad.data<long>().ToArray();
    }
}
