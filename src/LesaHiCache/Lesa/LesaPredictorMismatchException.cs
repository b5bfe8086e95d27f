namespace LesaHiCache.Lesa;

/// <summary>A LESA predictor was asked to forecast for a model, step count or schedule it was not trained for.</summary>
public sealed class LesaPredictorMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LesaPredictorMismatchException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LesaPredictorMismatchException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public LesaPredictorMismatchException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
