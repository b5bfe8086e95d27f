namespace LesaHiCache.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A failure while running (a file that cannot be read, a mismatched predictor, an unexpected error).</summary>
    public const int Failure = 1;

    /// <summary>The command line cannot run as given, found before any long work starts.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C; long commands resume when rerun.</summary>
    public const int Stopped = 130;
}
