namespace LesaHiCache.Cli;

/// <summary>A command line that cannot run as given (exit code 2): a bad option value, a missing input, an output that cannot be written.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
