namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// A schedule made for one model (e.g. searched on its trajectories): the cache session checks the
/// model of every generation against it before the first step.
/// </summary>
public interface IModelBoundSchedule
{
    /// <summary>Throws <see cref="ScheduleMismatchException"/> unless <paramref name="model"/> is the schedule's model.</summary>
    void EnsureModel(ModelIdentity? model);
}
