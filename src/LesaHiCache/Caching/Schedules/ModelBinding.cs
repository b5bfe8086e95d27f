namespace LesaHiCache.Caching.Schedules;

/// <summary>The check of a schedule made for one model (searched on it, or calibrated for it) against a generation's model.</summary>
internal static class ModelBinding
{
    /// <summary>
    /// Throws <see cref="ScheduleMismatchException"/> unless <paramref name="model"/> has <paramref name="fingerprint"/>;
    /// messages read "{described} {bound} {modelName} (fingerprint ...)" and "{described} {boundToOne}, and this generation ...".
    /// </summary>
    /// <param name="model">The generation's model, if it says.</param>
    /// <param name="fingerprint">The fingerprint of the model the schedule was made for.</param>
    /// <param name="modelName">That model's readable name.</param>
    /// <param name="described">What the schedule is, e.g. "The schedule in 'x.json'".</param>
    /// <param name="bound">How it was made for the model, e.g. "was searched on".</param>
    /// <param name="boundToOne">The same for an unknown model, e.g. "is valid only for the model it was searched on".</param>
    public static void Ensure(ModelIdentity? model, string fingerprint, string modelName, string described, string bound, string boundToOne)
    {
        if (model is null)
        {
            throw new ScheduleMismatchException($"{described} {boundToOne}, and this generation does not say which model it runs on: pass a ModelIdentity to CacheSession.BeginGeneration (the library's flow models do).");
        }

        if (!string.Equals(model.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            throw new ScheduleMismatchException($"{described} {bound} {modelName} (fingerprint {fingerprint}); this generation runs another model (fingerprint {model.Fingerprint}).");
        }
    }
}
