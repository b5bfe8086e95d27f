using System.Globalization;
using LesaHiCache.Shapes.Evaluation;

namespace LesaHiCache.Cli;

/// <summary>
/// PSNR against wall speedup, one line per method and level over the fixed schedules, and one more
/// per adaptive indicator it ran with (a threshold sweep draws its curve); the legend sits right of
/// the data area, so it hides no point.
/// </summary>
internal static class FrontierPlot
{
    private static readonly HashSet<string> Indicators = new(["fbcache", "dbcache", "teacache", "magcache", "adaptive"], StringComparer.OrdinalIgnoreCase);

    public static byte[] Png(EvaluationReport report, int width = 1000, int height = 550)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = new ScottPlot.Plot();
        foreach (var group in report.Results.GroupBy(r => Line(r)))
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

    /// <summary>"HiCache(2, 0.5) (model)" for fixed schedules, "HiCache(2, 0.5) (model), teacache" for an indicator's runs.</summary>
    internal static string Line(MethodResult result)
    {
        var schedule = result.Schedule.Split(':')[0].Trim();
        return Indicators.Contains(schedule) ? $"{result.Method} ({result.Level}), {schedule.ToLowerInvariant()}" : $"{result.Method} ({result.Level})";
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
