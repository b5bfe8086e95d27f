namespace LesaHiCache.Caching;

/// <summary>A full step computed NaN or infinite features and the session's policy is <see cref="NonFinitePolicy.Throw"/>.</summary>
public sealed class NonFiniteFeaturesException : Exception
{
    /// <summary>Creates the exception for <paramref name="found"/>.</summary>
    public NonFiniteFeaturesException(NonFiniteFeatures found)
        : base($"The model computed NaN or infinite features at {found}: check the noise, the text conditioning and the weights of those rows.")
    {
        ArgumentNullException.ThrowIfNull(found);
        Found = found;
    }

    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteFeaturesException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public NonFiniteFeaturesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Where the features were found (null when the exception was made from a message).</summary>
    public NonFiniteFeatures? Found { get; }
}
