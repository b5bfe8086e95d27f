using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Model;

namespace LesaHiCache.Shapes.Evaluation;

/// <summary>
/// The cache configurations of an evaluation's runs; for <c>lesa</c> runs it loads (once per file)
/// the predictor for the run's schedule and checks it against the model, the sampler times and the
/// schedule, so a mismatched predictor fails before any generation; a schedule bound to a model (a
/// searched one, a calibrated indicator) is checked against the model (and a searched one against the
/// sampler times) there too.
/// </summary>
internal sealed class LesaPredictors(IShapesTaskModel model, EvaluationOptions options, ShapesGenerationOptions generation) : IDisposable
{
    private readonly Dictionary<string, LesaPredictor> loaded = new(StringComparer.Ordinal);
    private string? fingerprint;
    private IReadOnlyList<double>? times;

    private string Fingerprint => fingerprint ??= ModelFingerprint.Of(model.Denoiser);

    private IReadOnlyList<double> Times => times ??= new FlowMatchSchedule(options.Steps, generation.Shift, model.SequenceTokens).Times;

    public CacheConfig ConfigFor(MethodSpec method, ScheduleSpec schedule)
    {
        if (schedule.Schedule is IModelBoundSchedule bound)
        {
            (schedule.Schedule as PlannedSchedule)?.FullSteps(Times);
            bound.EnsureModel(ModelIdentity.FromFingerprint(Fingerprint));
        }

        if (!method.IsLesa)
        {
            return new CacheConfig { Level = method.Level, Forecaster = method.Forecaster!, Schedule = schedule.Schedule };
        }

        var path = Path.GetFullPath(method.PredictorPath ?? LesaPredictor.FindIn(options.PredictorFolder, Fingerprint, Times, schedule.Schedule, method.CfgExperts));
        if (!loaded.TryGetValue(path, out var predictor))
        {
            predictor = LesaPredictor.Load(path, model.Device);
            loaded[path] = predictor;
        }

        if (method.CfgExperts is { } wanted && predictor.Info.CfgExperts != wanted)
        {
            throw new LesaPredictorMismatchException($"'{path}' is a LESA predictor with {predictor.Info.CfgExperts} CFG experts; the method '{method.Text}' asks for {wanted}.");
        }

        predictor.EnsureCompatible(Fingerprint, Times, schedule.Schedule);
        return new CacheConfig { Level = LesaForecaster.Level, Forecaster = () => new LesaForecaster(predictor), Schedule = schedule.Schedule };
    }

    public void Dispose()
    {
        foreach (var predictor in loaded.Values)
        {
            predictor.Dispose();
        }
    }
}
