using LesaHiCache.Shapes.Video;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Video;

/// <summary>
/// The bundled video model, loaded once for <see cref="BundledVideoModelTests"/>, and its uncached
/// clips of <see cref="Prompts"/> and <see cref="Seeds"/>, generated on first use: the reference that
/// the cached generations are compared with.
/// </summary>
public sealed class BundledVideoModelFixture : IDisposable
{
    private Tensor? uncachedClips;

    public static readonly string[] Prompts =
    [
        "a large red circle moving from the top left to the bottom right on a white background",
        "a small blue square moving from the top left to the top right and a large yellow triangle still at the bottom on a black background",
        "a large green triangle moving from the bottom to the top on a gray background",
        "a small purple circle still at the top right on a white background",
    ];

    public static readonly long[] Seeds = [11, 12, 13, 14];

    public ShapesVideoModel Model { get; } = ShapesVideoModel.Load(ShapesVideoModel.BundledFolder);

    /// <summary>The uncached clips of <see cref="Prompts"/> and <see cref="Seeds"/> (owned here).</summary>
    public Tensor UncachedClips => uncachedClips ??= Model.Generate(Prompts, Seeds).DetachFromDisposeScope();

    public void Dispose()
    {
        uncachedClips?.Dispose();
        Model.Dispose();
    }
}
