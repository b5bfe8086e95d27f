using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using LesaHiCache.Shapes.Evaluation;

namespace LesaHiCache.Cli;

/// <summary><c>plot</c>: draws the frontier plot of a report that <c>evaluate --json</c> wrote, without evaluating again.</summary>
internal static class PlotCommand
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static Command Create()
    {
        var report = new Argument<string>("report") { Description = "A JSON report written by evaluate --json." };
        var output = new Option<string>("--out") { Description = "The PNG to write.", Required = true };
        var command = new Command("plot", "Draw the PSNR-vs-speedup plot of an evaluate --json report (the legend outside the data area).") { report, output };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(report)!;
            if (!File.Exists(path))
            {
                throw new UsageException($"plot: there is no report '{path}'.");
            }

            CliChecks.WritableFile(parse.GetValue(output), "--out");
            EvaluationReport? read;
            try
            {
                read = JsonSerializer.Deserialize<EvaluationReport>(File.ReadAllText(path), Json);
            }
            catch (JsonException e)
            {
                throw new UsageException($"plot: '{path}' is not an evaluate report: {e.Message}", e);
            }

            if (read?.Results is null || read.Reference is null)
            {
                throw new UsageException($"plot: '{path}' is not an evaluate report: it has no results.");
            }

            FrontierPlot.Save(read, parse.GetValue(output)!);
            Console.WriteLine($"Wrote {parse.GetValue(output)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
