using System.CommandLine;
using System.CommandLine.Parsing;

namespace LesaHiCache.Cli;

/// <summary>
/// The <c>lesa-hicache</c> command line: parses and runs it with the tool's exit codes (0 success, 1
/// failure while running, 2 usage error, 130 stopped); every error is one line on stderr, and
/// <c>--verbose</c> adds the stack trace.
/// </summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var verbose = new Option<bool>("--verbose") { Description = "On an error, print its stack trace too.", Recursive = true };
        var root = new RootCommand("LesaHiCache: feature caching for Diffusion Transformers in TorchSharp.")
        {
            InspectCommand.Create(),
            TrainModelCommand.Create(),
            ModelCardCommand.Create(),
            EvaluateCommand.Create(),
            TrainLesaCommand.Create(),
            SearchScheduleCommand.Create(),
            CalibrateCommand.Create(),
            SoakCommand.Create(),
            PlotCommand.Create(),
        };
        root.Options.Add(verbose);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var help = $"see '{CommandPath(parse)} --help'";
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"error: {error.Message.TrimEnd('.')} ({help}).");
            }

            return ExitCodes.Usage;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = stderr });
        }
        catch (Exception e)
        {
            return CliFailure.Report(e, parse.GetValue(verbose), stderr);
        }
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            names.Insert(0, result.Command is RootCommand ? "lesa-hicache" : result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
