using LesaHiCache.Shapes.Task;
using LesaHiCache.Shapes.Video;

namespace LesaHiCache.Tests.Shapes;

/// <summary>The two frame geometries against their hand-computed cells and the checks on a new one.</summary>
public class FrameGeometryTests
{
    [Fact]
    public void ImageGeometry_IsTheSceneLayout()
    {
        var g = FrameGeometry.Image;
        Assert.Equal((32, 7, 13, 12), (g.Size, g.SmallSide, g.LargeSide, g.MinBlobArea));
        Assert.Equal([7.5, 16.0, 24.5], Enumerable.Range(0, 3).Select(g.CellCenter));
        Assert.Equal([0, 0, 1, 1, 2, 2], new[] { 0.0, 10.6, 10.7, 21.3, 21.4, 31.9 }.Select(g.CellOf));
        Assert.Equal(Vocabulary.Sizes.Select(s => s.Side), Vocabulary.Sizes.Select(s => g.SideOf(s.Word)));
    }

    [Fact]
    public void ClipGeometry_IsTheImageGridAtHalfScale_WithItsOwnBoxes()
    {
        var g = ClipLayout.Geometry;
        Assert.Equal((16, 5, 7, 5), (g.Size, g.SmallSide, g.LargeSide, g.MinBlobArea));
        Assert.Equal([3.75, 8.0, 12.25], Enumerable.Range(0, 3).Select(g.CellCenter));
        Assert.Equal([0, 1, 1, 2], new[] { 5.3, 5.4, 10.6, 10.7 }.Select(g.CellOf));
        Assert.Equal(7, new ClipObject("large", "red", "circle", "top", "top").Side);
        Assert.Throws<PromptException>(() => g.SideOf("huge"));
    }

    [Fact]
    public void AGeometryWhoseCornerBoxesLeaveTheFrame_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new FrameGeometry(16, 3.0, 4.25, 5, 7, 5));
        Assert.Throws<ArgumentException>(() => new FrameGeometry(16, 3.75, 5.0, 5, 7, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameGeometry(16, 3.75, 4.25, 7, 5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameGeometry(16, 3.75, 4.25, 5, 7, 0));
    }
}
