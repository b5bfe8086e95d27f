using TorchSharp;

namespace LesaHiCache.Weights;

/// <summary>One tensor entry of a safetensors header: dtype, shape and byte range within the data section.</summary>
internal sealed class SafetensorsTensorInfo
{
    /// <summary>Creates an entry. Values are not validated here; <see cref="SafetensorsHeader.Read"/> validates them.</summary>
    /// <param name="name">Tensor key, e.g. <c>blocks.0.attn.to_q.weight</c>.</param>
    /// <param name="dtype">Safetensors dtype name, e.g. <c>BF16</c>.</param>
    /// <param name="shape">Tensor shape (empty for a scalar).</param>
    /// <param name="dataBegin">Start offset, relative to the start of the data section.</param>
    /// <param name="dataEnd">End offset (exclusive), relative to the start of the data section.</param>
    public SafetensorsTensorInfo(string name, string dtype, IReadOnlyList<long> shape, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>Tensor key.</summary>
    public string Name { get; }

    /// <summary>Safetensors dtype name (<c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, ...).</summary>
    public string DType { get; }

    /// <summary>The TorchSharp scalar type, or <c>null</c> when the dtype cannot be loaded by this library.</summary>
    public torch.ScalarType? ScalarType => SafetensorsDType.ToScalarType(DType);

    /// <summary>Tensor shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Start offset of the tensor's bytes, relative to the data section (<c>data_offsets[0]</c>).</summary>
    public long DataBegin { get; }

    /// <summary>End offset (exclusive) of the tensor's bytes, relative to the data section (<c>data_offsets[1]</c>).</summary>
    public long DataEnd { get; }

    /// <summary>Number of bytes the tensor occupies.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape)
            {
                count *= dim;
            }

            return count;
        }
    }

    /// <summary>The shape formatted like <c>[3, 4]</c>, for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape like <c>[3, 4]</c>.</summary>
    /// <param name="shape">A shape.</param>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
