using static TorchSharp.torch;

namespace LesaHiCache.Sampling;

/// <summary>
/// Text conditioning as tensors, so any text encoder can feed the sampler: per-token features
/// [B, L, D] and a pooled vector [B, P]. The caller owns (and disposes) the tensors.
/// </summary>
/// <param name="Tokens">Token features [B, L, D].</param>
/// <param name="Pooled">Pooled vector [B, P].</param>
public sealed record TextConditioning(Tensor Tokens, Tensor Pooled)
{
    /// <summary>Batch size.</summary>
    public long Batch => Tokens.shape[0];

    /// <summary>Repeats a batch-1 conditioning to <paramref name="batch"/> items (a view; no copy).</summary>
    public TextConditioning ExpandTo(long batch)
    {
        if (Batch == batch)
        {
            return this;
        }

        if (Batch != 1)
        {
            throw new ArgumentException($"Conditioning has batch {Batch}; expected 1 or {batch}.");
        }

        return new TextConditioning(Tokens.expand(batch, -1, -1), Pooled.expand(batch, -1));
    }

    /// <summary>The conditioning of a model with no pooled text vector (Qwen-Image, Wan): <paramref name="tokens"/> and an empty pooled tensor [B, 0].</summary>
    public static TextConditioning TokensOnly(Tensor tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new TextConditioning(tokens, empty([tokens.shape[0], 0], tokens.dtype, tokens.device));
    }

    /// <summary>Concatenates two conditionings along the batch axis (same token count required).</summary>
    public static TextConditioning Concat(TextConditioning first, TextConditioning second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new TextConditioning(cat([first.Tokens, second.Tokens]), cat([first.Pooled, second.Pooled]));
    }
}
