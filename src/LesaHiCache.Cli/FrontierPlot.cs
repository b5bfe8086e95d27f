using System.Globalization;
using LesaHiCache.Shapes.Evaluation;

namespace LesaHiCache.Cli;

/// <summary>PSNR against wall speedup, one line per method and level; the legend sits right of the data area, so it hides no point.</summary>
internal static class FrontierPlot
{
    public static byte[] Png(EvaluationReport report, int width = 1000, int height = 550)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = new ScottPlot.Plot();
        foreach (var group in report.Results.GroupBy(r => $"{r.Method} ({r.Level})"))
        {
            var points = group.OrderBy(r => r.WallSpeedup).ToList();
            var scatter = plot.Add.Scatter(points.Select(p => p.WallSpeedup).ToArray(), points.Select(p => double.IsFinite(p.PsnrDb) ? p.PsnrDb : 100).ToArray());
            scatter.LegendText = group.Key;
        }

        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Quality vs speedup ({report.Prompts} prompts, {report.Steps} steps)"));
        plot.XLabel("wall-clock speedup vs uncached (x)");
        plot.YLabel("PSNR vs uncached (dB)");
        plot.ShowLegend(ScottPlot.Edge.Right);
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    public static void Save(EvaluationReport report, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, Png(report));
    }
}
