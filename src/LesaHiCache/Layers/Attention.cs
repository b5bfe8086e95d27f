using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>Multi-head scaled dot-product attention on [batch, tokens, heads, head_dim] tensors.</summary>
public static class Attention
{
    /// <summary>
    /// softmax(Q K^T / sqrt(d)) V per head. Inputs are [B, L, H, D]; the result is [B, L, H * D].
    /// </summary>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        using var scope = NewDisposeScope();
        var attended = nn.functional.scaled_dot_product_attention(
            query.transpose(1, 2), key.transpose(1, 2), value.transpose(1, 2));
        return attended.transpose(1, 2).flatten(2, 3).MoveToOuterDisposeScope();
    }
}
