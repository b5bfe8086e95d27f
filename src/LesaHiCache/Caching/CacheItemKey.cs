using System.Globalization;

namespace LesaHiCache.Caching;

/// <summary>
/// A cached item: the transformer call of the step it belongs to (<see cref="Branch"/>: 0, or 0 and 1
/// when the sampler makes one call per CFG half), the block of the host's stack that computes it and
/// the block's branch (<see cref="Slot"/>). The caching runner assigns keys; forecasters keep their
/// state per key. The model-level item (the hidden state after the last block) has
/// <see cref="Block"/> = <see cref="WholeStack"/>; a block-level item (a block's residual) has slot 0.
/// </summary>
/// <param name="Branch">The call within the step.</param>
/// <param name="Block">The block's index in the stack, or <see cref="WholeStack"/>.</param>
/// <param name="Slot">The block's branch (module level), 0 otherwise.</param>
public readonly record struct CacheItemKey(int Branch, int Block, int Slot)
{
    /// <summary>The <see cref="Block"/> of the model-level item: the output of the whole stack.</summary>
    public const int WholeStack = -1;

    /// <summary>The model-level item of call <paramref name="branch"/>.</summary>
    public static CacheItemKey Model(int branch) => new(branch, WholeStack, 0);

    /// <summary>Whether this is a model-level item.</summary>
    public bool IsModel => Block == WholeStack;

    /// <inheritdoc />
    public override string ToString() => IsModel
        ? string.Create(CultureInfo.InvariantCulture, $"{Branch}:hidden")
        : string.Create(CultureInfo.InvariantCulture, $"{Branch}:block{Block}.{Slot}");

    /// <summary>Parses the <see cref="ToString"/> forms "branch:hidden" and "branch:blockB.S"; throws <see cref="FormatException"/> otherwise.</summary>
    public static CacheItemKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && NonNegative(text.AsSpan(0, colon), out var branch))
        {
            var name = text.AsSpan(colon + 1);
            if (name.SequenceEqual("hidden"))
            {
                return Model(branch);
            }

            var dot = name.IndexOf('.');
            if (name.StartsWith("block") && dot > 5 && NonNegative(name[5..dot], out var block) && NonNegative(name[(dot + 1)..], out var slot))
            {
                return new CacheItemKey(branch, block, slot);
            }
        }

        throw new FormatException($"'{text}' is not a cached item key of the form branch:hidden or branch:blockB.S.");
    }

    private static bool NonNegative(ReadOnlySpan<char> text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
