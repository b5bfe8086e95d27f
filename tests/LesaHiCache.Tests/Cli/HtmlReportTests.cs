using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LesaHiCache.Cli;

namespace LesaHiCache.Tests.Cli;

/// <summary><c>evaluate --html</c> and <c>plot</c> on a small evaluation of the bundled model.</summary>
public sealed partial class HtmlReportTests : IDisposable
{
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("lesa-html-");

    public void Dispose() => scratch.Delete(recursive: true);

    [Fact]
    public void TheHtmlPage_HoldsTheTable_ThePlot_AndEveryImageWithAPsnrWhoseMeanIsTheReports()
    {
        var html = Path.Combine(scratch.FullName, "report.html");
        var json = Path.Combine(scratch.FullName, "report.json");
        using var stderr = new StringWriter();
        var exit = CliApp.Run(["evaluate", "--prompts", "3", "--batch", "3", "--steps", "8", "--methods", "none,fora,taylorseer:order=1", "--schedules", "interval:3:2", "--repeats", "1", "--html", html, "--json", json], stderr);
        Assert.Equal(0, exit);

        var page = File.ReadAllText(html);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", page, StringComparison.Ordinal); // self-contained
        Assert.Equal(1 + (3 * 3), InlinePng().Count(page));     // the plot, then per prompt the reference and two runs
        Assert.Equal(3, Regex.Count(page, "<div class=\"prompt\">"));
        foreach (var result in report.RootElement.GetProperty("results").EnumerateArray())
        {
            var name = $"{result.GetProperty("method").GetString()} {result.GetProperty("schedule").GetString()}";
            var psnrs = Regex.Matches(page, $"<figcaption>{Regex.Escape(name)}<br>(?<db>[0-9.]+) dB</figcaption>")
                .Select(m => double.Parse(m.Groups["db"].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(3, psnrs.Count);
            Assert.Equal(result.GetProperty("psnr_db").GetDouble(), psnrs.Average(), 0.01);
            Assert.Contains($"<td>{result.GetProperty("psnr_db").GetDouble().ToString("F2", CultureInfo.InvariantCulture)}</td>", page, StringComparison.Ordinal);
        }

        var plot = Path.Combine(scratch.FullName, "again.png");
        Assert.Equal(0, CliApp.Run(["plot", json, "--out", plot], stderr));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(plot)[..4]);
    }

    [Fact]
    public void Plot_RefusesAFileThatIsNotAReport()
    {
        var bad = Path.Combine(scratch.FullName, "bad.json");
        File.WriteAllText(bad, "{\"steps\": 1}");
        using var stderr = new StringWriter();
        Assert.Equal(2, CliApp.Run(["plot", bad, "--out", Path.Combine(scratch.FullName, "p.png")], stderr));
        Assert.Contains("is not an evaluate report", stderr.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("src=\"data:image/png;base64,")]
    private static partial Regex InlinePng();
}
