namespace LesaHiCache.Shapes.Task;

/// <summary>
/// The pixel geometry a scene is drawn in and read back from: the frame side, the centers of the
/// 3x3 grid's cells, the box side of each size word, and the smallest blob the scorers count. The
/// image task uses <see cref="Image"/> (32x32); the clip task draws smaller frames with its own.
/// </summary>
public sealed record FrameGeometry
{
    /// <summary>A geometry; every length in pixels.</summary>
    /// <param name="size">Frame side.</param>
    /// <param name="firstCellCenter">Center of grid column (or row) 0.</param>
    /// <param name="cellPitch">Distance between the centers of neighbouring cells.</param>
    /// <param name="smallSide">Box side of "small" objects.</param>
    /// <param name="largeSide">Box side of "large" objects.</param>
    /// <param name="minBlobArea">Smallest blob (pixels) that counts as an object or a spurious blob.</param>
    public FrameGeometry(int size, double firstCellCenter, double cellPitch, int smallSide, int largeSide, int minBlobArea)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 3);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cellPitch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(smallSide);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(largeSide, smallSide);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minBlobArea);
        if (firstCellCenter - (largeSide / 2.0) < 0 || firstCellCenter + (2 * cellPitch) + (largeSide / 2.0) > size)
        {
            throw new ArgumentException($"A large box centered on a corner cell must fit in the {size}x{size} frame.", nameof(largeSide));
        }

        (Size, FirstCellCenter, CellPitch, SmallSide, LargeSide, MinBlobArea) = (size, firstCellCenter, cellPitch, smallSide, largeSide, minBlobArea);
    }

    /// <summary>The image task's 32x32 geometry (<see cref="SceneLayout"/>, <see cref="Vocabulary.Sizes"/>, <see cref="FidelityScorer.MinBlobArea"/>).</summary>
    public static FrameGeometry Image { get; } = new(SceneLayout.ImageSize, 7.5, 8.5, Vocabulary.Sizes[0].Side, Vocabulary.Sizes[1].Side, FidelityScorer.MinBlobArea);

    /// <summary>Frame side in pixels.</summary>
    public int Size { get; }

    /// <summary>Center of grid column (or row) 0 in pixels.</summary>
    public double FirstCellCenter { get; }

    /// <summary>Distance between neighbouring cell centers in pixels.</summary>
    public double CellPitch { get; }

    /// <summary>Box side of "small" objects in pixels.</summary>
    public int SmallSide { get; }

    /// <summary>Box side of "large" objects in pixels.</summary>
    public int LargeSide { get; }

    /// <summary>Smallest blob (pixels) that counts as an object or a spurious blob.</summary>
    public int MinBlobArea { get; }

    /// <summary>Boundaries between grid cells: a point is in column (or row) 0, 1 or 2 by thirds of the frame.</summary>
    public double CellSide => Size / 3.0;

    /// <summary>Pixel coordinate of the center of grid column or row <paramref name="index"/>.</summary>
    public double CellCenter(int index) => FirstCellCenter + (CellPitch * index);

    /// <summary>The grid column or row a pixel coordinate falls in.</summary>
    public int CellOf(double coordinate) => Math.Clamp((int)(coordinate / CellSide), 0, 2);

    /// <summary>The box side of a size word ("small" or "large").</summary>
    public int SideOf(string sizeWord) => sizeWord switch
    {
        "small" => SmallSide,
        "large" => LargeSide,
        _ => throw new PromptException($"Unknown size '{sizeWord}'."),
    };
}
