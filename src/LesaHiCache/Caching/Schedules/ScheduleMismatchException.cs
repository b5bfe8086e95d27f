namespace LesaHiCache.Caching.Schedules;

/// <summary>A schedule made for one model and sampler is used with another model, step count or shift.</summary>
public sealed class ScheduleMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScheduleMismatchException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ScheduleMismatchException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ScheduleMismatchException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
