namespace LesaHiCache.Caching.Schedules;

/// <summary>
/// Full steps chosen by a search on one model's trajectories (<see cref="Placement.FullStepSearch"/>),
/// valid only for that model and the sampler times it was searched on: another step count or shift
/// fails in <see cref="FullSteps"/>, another model when the generation begins.
/// </summary>
public sealed class SearchedSchedule : PlannedSchedule, IModelBoundSchedule
{
    private const double TimeTolerance = 1e-9;
    private readonly HashSet<int> fullSteps;

    /// <summary>Creates the schedule from its info (checked).</summary>
    public SearchedSchedule(SearchedScheduleInfo info, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Validate();
        Info = info;
        Source = source;
        fullSteps = [.. info.FullSteps];
    }

    /// <summary>What the schedule is and what it was searched for.</summary>
    public SearchedScheduleInfo Info { get; }

    /// <summary>The file it was read from, if any (for messages).</summary>
    public string? Source { get; }

    /// <inheritdoc />
    public override string Name => $"searched({string.Join(",", Info.FullSteps)})";

    /// <inheritdoc />
    public override IReadOnlySet<int> FullSteps(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count != Info.Times.Count)
        {
            throw new ScheduleMismatchException($"{Described} was searched for {Info.Steps} sampler steps; this generation has {times.Count - 1}. Search one for this step count.");
        }

        for (var i = 0; i < times.Count; i++)
        {
            if (Math.Abs(times[i] - Info.Times[i]) > TimeTolerance)
            {
                throw new ScheduleMismatchException($"{Described} was searched for other sampler times (another timestep shift): t_{i} = {Info.Times[i]:R} there, {times[i]:R} here. Search one for this sampler.");
            }
        }

        return fullSteps;
    }

    /// <inheritdoc />
    public void EnsureModel(ModelIdentity? model) =>
        ModelBinding.Ensure(model, Info.ModelFingerprint, Info.ModelName, Described, "was searched on", "is valid only for the model it was searched on");

    private string Described => Source is null ? $"The schedule {Name}" : $"The schedule in '{Source}'";
}
