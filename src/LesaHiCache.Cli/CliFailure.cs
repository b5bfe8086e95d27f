using LesaHiCache.Caching;
using LesaHiCache.Lesa;
using LesaHiCache.Weights;

namespace LesaHiCache.Cli;

/// <summary>Turns an exception that escaped a command into one line on stderr and an exit code.</summary>
internal static class CliFailure
{
    public static int Report(Exception error, bool verbose, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(stderr);
        if (error is OperationCanceledException)
        {
            stderr.WriteLine("Stopped.");
            return ExitCodes.Stopped;
        }

        var expected = error is UsageException or IOException or UnauthorizedAccessException or WeightsLoadException
            or LesaPredictorMismatchException or FormatException or InvalidDataException or NonFiniteFeaturesException;
        var message = error.Message.ReplaceLineEndings(" ");
        stderr.WriteLine(expected
            ? $"error: {message}"
            : $"error: unexpected {error.GetType().Name}: {message}{(verbose ? "" : " (run with --verbose for the stack trace)")}");
        if (verbose)
        {
            stderr.WriteLine(error.ToString());
        }

        return error is UsageException ? ExitCodes.Usage : ExitCodes.Failure;
    }
}
