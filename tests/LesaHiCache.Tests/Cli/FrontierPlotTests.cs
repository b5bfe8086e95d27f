using LesaHiCache.Cli;
using LesaHiCache.Shapes.Evaluation;

namespace LesaHiCache.Tests.Cli;

/// <summary>The frontier plot's lines: fixed schedules together per method and level, each indicator's runs (a threshold sweep) apart.</summary>
public class FrontierPlotTests
{
    private static MethodResult Result(string method, string schedule, double speedup, double psnr) =>
        new(method, schedule, "model", 50 / speedup, speedup, speedup, 0.1, psnr, 0.9, 0.01, 1.0, 1.0, 0.1);

    [Theory]
    [InlineData("interval:7:3", "fora (model)")]
    [InlineData("file:/tmp/teacache.json", "fora (model)")]
    [InlineData("teacache:0.3", "fora (model), teacache")]
    [InlineData("MagCache:0.2:5:0.1", "fora (model), magcache")]
    [InlineData("dbcache:1:0:0.08", "fora (model), dbcache")]
    public void EachIndicatorGetsItsOwnLine(string schedule, string line) =>
        Assert.Equal(line, FrontierPlot.Line(Result("fora", schedule, 5, 40)));
}
