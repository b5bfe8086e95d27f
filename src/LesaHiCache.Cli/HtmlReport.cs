using System.Globalization;
using System.Net;
using System.Text;
using LesaHiCache.Evaluation;
using LesaHiCache.Shapes.Evaluation;
using LesaHiCache.Shapes.Task;
using SkiaSharp;
using static TorchSharp.torch;

namespace LesaHiCache.Cli;

/// <summary>
/// <c>evaluate --html</c>: one self-contained page (images inline) with the settings, the table, the
/// frontier plot and, per prompt, the uncached image beside each run's with its PSNR.
/// </summary>
internal static class HtmlReport
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
        th:nth-child(-n+3), td:nth-child(-n+3) { text-align: left; }
        tr.disturbed td { color: #a60; }
        .prompt { margin: 1.5em 0; }
        .row { display: flex; flex-wrap: wrap; gap: 0.75em; }
        figure { margin: 0; text-align: center; font-size: 0.8em; }
        figure img { image-rendering: pixelated; border: 1px solid #ccc; }
        figure.reference figcaption { font-weight: bold; }
        figcaption { overflow-wrap: anywhere; }
        """;

    public static string Build(EvaluationReport report, IReadOnlyList<string> prompts, IReadOnlyList<string> runNames, EvaluationImages images, string settings, byte[] plotPng)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(runNames);
        ArgumentNullException.ThrowIfNull(images);
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>LesaHiCache evaluation</title>");
        html.AppendLine($"<style>{Style}</style></head><body>");
        html.AppendLine("<h1>LesaHiCache evaluation</h1>");
        html.AppendLine($"<p>{Encode(settings)}</p>");
        html.AppendLine(string.Create(c, $"<p>Uncached reference: {report.Reference.SecondsPerImage:F3} s per image, fidelity {report.Reference.Fidelity:F3}.</p>"));
        html.AppendLine("<table><thead><tr><th>method</th><th>level</th><th>schedule</th><th>full steps</th><th>NFE speedup</th><th>wall speedup</th><th>P10-P90 (pairs)</th><th>PSNR (dB)</th><th>SSIM</th><th>rel. L1</th><th>fidelity</th><th>cache (MiB)</th><th>forecast ms/step</th></tr></thead><tbody>");
        foreach (var r in report.Results)
        {
            html.AppendLine(string.Create(c, $"<tr{(r.Disturbed ? " class=\"disturbed\" title=\"" + Encode(r.DisturbedBecause ?? "disturbed") + "\"" : "")}><td>{Encode(r.Method)}</td><td>{Encode(r.Level)}</td><td>{Encode(r.Schedule)}</td><td>{r.FullSteps:0.#}</td><td>{r.NfeSpeedup:F2}x</td><td>{r.WallSpeedup:F2}x{(r.Disturbed ? " (disturbed)" : "")}</td><td>{r.WallSpeedupP10:F2}-{r.WallSpeedupP90:F2} ({r.Pairs})</td><td>{r.PsnrDb:F2}</td><td>{r.Ssim:F4}</td><td>{r.RelativeL1:F4}</td><td>{r.Fidelity:F3}</td><td>{r.CacheMib:F2}</td><td>{r.ForecastMsPerStep:F2}</td></tr>"));
        }

        html.AppendLine("</tbody></table>");
        html.AppendLine($"<h2>Frontier</h2><img alt=\"PSNR against wall speedup\" src=\"data:image/png;base64,{Convert.ToBase64String(plotPng)}\">");
        var frames = images.Width / Math.Max(1, images.Height);
        html.AppendLine(frames > 1
            ? "<h2>Clips</h2><p>Each prompt's uncached clip (frames left to right), then every run's with its PSNR against it (mean over frames of 8-bit frames, as saved).</p>"
            : "<h2>Images</h2><p>Each prompt's uncached image, then every run's with its PSNR against it (8-bit images, as saved).</p>");
        for (var p = 0; p < prompts.Count; p++)
        {
            var reference = images.Of(-1, p);
            if (reference is null)
            {
                continue;
            }

            html.AppendLine(string.Create(c, $"<div class=\"prompt\"><h3>{p}: {Encode(prompts[p])}</h3><div class=\"row\">"));
            html.AppendLine($"<figure class=\"reference\">{Image(reference, images, "uncached")}<figcaption>uncached</figcaption></figure>");
            for (var run = 0; run < runNames.Count; run++)
            {
                if (images.Of(run, p) is { } image)
                {
                    html.AppendLine(string.Create(c, $"<figure>{Image(image, images, runNames[run])}<figcaption>{Encode(runNames[run])}<br>{Psnr(image, reference, frames):F2} dB</figcaption></figure>"));
                }
            }

            html.AppendLine("</div></div>");
        }

        html.AppendLine("</body></html>");
        return html.ToString();
    }

    /// <summary>PSNR of an image, or the mean over frames of a strip of <paramref name="frames"/> square frames.</summary>
    private static double Psnr(byte[] image, byte[] reference, int frames)
    {
        using var scope = NewDisposeScope();
        // A strip's rows hold one row of every frame: [H, F, W x 3] -> [F, H W 3].
        var side = (int)Math.Round(Math.Sqrt(image.Length / frames / 3.0));
        Tensor Frames(byte[] rgb) => tensor(rgb).reshape(side, frames, side * 3).transpose(0, 1).reshape(frames, -1).to_type(ScalarType.Float32);
        return ImageMetrics.PsnrDb(Frames(image), Frames(reference), peak: 255).Average();
    }

    private static string Image(byte[] rgb, EvaluationImages images, string alt)
    {
        using var bitmap = RgbImage.ToBitmap(rgb, images.Width, images.Height);
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return string.Create(CultureInfo.InvariantCulture, $"<img alt=\"{Encode(alt)}\" width=\"{images.Width * 4}\" height=\"{images.Height * 4}\" src=\"data:image/png;base64,{Convert.ToBase64String(encoded.ToArray())}\">");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
