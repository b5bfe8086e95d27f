using TorchSharp;

namespace LesaHiCache.Weights;

/// <summary>
/// Maps safetensors dtype names (<c>"F32"</c>, <c>"BF16"</c>, ...) to element sizes and TorchSharp scalar types.
/// </summary>
internal static class SafetensorsDType
{
    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1,
        ["U8"] = 1,
        ["I8"] = 1,
        ["F8_E5M2"] = 1,
        ["F8_E4M3"] = 1,
        ["I16"] = 2,
        ["U16"] = 2,
        ["F16"] = 2,
        ["BF16"] = 2,
        ["I32"] = 4,
        ["U32"] = 4,
        ["F32"] = 4,
        ["I64"] = 8,
        ["U64"] = 8,
        ["F64"] = 8,
        ["C64"] = 8,
    };

    private static readonly Dictionary<string, torch.ScalarType> ScalarTypes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = torch.ScalarType.Bool,
        ["U8"] = torch.ScalarType.Byte,
        ["I8"] = torch.ScalarType.Int8,
        ["I16"] = torch.ScalarType.Int16,
        ["F16"] = torch.ScalarType.Float16,
        ["BF16"] = torch.ScalarType.BFloat16,
        ["I32"] = torch.ScalarType.Int32,
        ["F32"] = torch.ScalarType.Float32,
        ["I64"] = torch.ScalarType.Int64,
        ["F64"] = torch.ScalarType.Float64,
    };

    /// <summary>Element size in bytes of a safetensors dtype, or <c>null</c> when the name is not a safetensors dtype.</summary>
    /// <param name="dtype">Safetensors dtype name, case-sensitive.</param>
    public static int? ElementSize(string dtype) =>
        ElementSizes.TryGetValue(dtype, out var size) ? size : null;

    /// <summary>
    /// The TorchSharp scalar type for a safetensors dtype, or <c>null</c> when it cannot be loaded
    /// (unknown names, and spec dtypes without a loader here: F8_*, U16, U32, U64, C64).
    /// </summary>
    /// <param name="dtype">Safetensors dtype name, case-sensitive.</param>
    public static torch.ScalarType? ToScalarType(string dtype) =>
        ScalarTypes.TryGetValue(dtype, out var type) ? type : null;

    /// <summary>The safetensors dtype name for a TorchSharp scalar type.</summary>
    /// <param name="type">A scalar type.</param>
    /// <exception cref="NotSupportedException">The scalar type has no safetensors name supported here.</exception>
    public static string FromScalarType(torch.ScalarType type)
    {
        foreach (var (name, scalar) in ScalarTypes)
        {
            if (scalar == type)
            {
                return name;
            }
        }

        throw new NotSupportedException($"Scalar type {type} cannot be written to safetensors by this library.");
    }

    /// <summary>Whether a scalar type is a real floating-point type (F16, BF16, F32, F64).</summary>
    /// <param name="type">A scalar type.</param>
    public static bool IsFloatingPoint(torch.ScalarType type) =>
        type is torch.ScalarType.Float16 or torch.ScalarType.BFloat16
            or torch.ScalarType.Float32 or torch.ScalarType.Float64;
}
