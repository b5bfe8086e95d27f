namespace LesaHiCache.Shapes.Task;

/// <summary>A prompt that uses an unknown word or does not follow the grammar.</summary>
public sealed class PromptException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public PromptException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PromptException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PromptException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
