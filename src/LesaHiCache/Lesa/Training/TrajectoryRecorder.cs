using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// A forecaster that never forecasts: with every step full, it records each observed item at every
/// step (float16, host memory) together with the sampler times. The recording survives the
/// session's end-of-generation <see cref="Reset"/>; <see cref="Take"/> hands it over, a new
/// generation or <see cref="Dispose"/> drops it.
/// </summary>
internal sealed class TrajectoryRecorder : IFeatureForecaster
{
    private readonly Dictionary<CacheItemKey, List<Tensor>> steps = [];

    public string Name => "trajectory recorder";

    /// <summary>The recorded generation's times, warm-up and CFG layout.</summary>
    public GenerationInfo? Generation { get; private set; }

    public long StateBytes => steps.Values.Sum(list => list.Sum(t => t.NumberOfElements * t.ElementSize));

    public int ItemCount => steps.Count;

    public void BeginGeneration(GenerationInfo generation)
    {
        Clear();
        Generation = generation;
    }

    public void Observe(CacheItemKey item, Tensor features, StepPosition position)
    {
        if (!steps.TryGetValue(item, out var list))
        {
            list = [];
            steps[item] = list;
        }

        if (list.Count != position.Step)
        {
            throw new InvalidOperationException($"Recording needs every step full: '{item}' has {list.Count} steps at step {position.Step}.");
        }

        using var _ = no_grad();
        list.Add(features.detach().to_type(ScalarType.Float16).cpu().DetachFromDisposeScope());
    }

    public Tensor Forecast(CacheItemKey item, StepPosition position) =>
        throw new InvalidOperationException("Trajectories are recorded with every step full.");

    /// <summary>The recorded items, each [S, ...] (the caller owns them); clears the recorder.</summary>
    public Dictionary<CacheItemKey, Tensor> Take()
    {
        var result = steps.ToDictionary(p => p.Key, p => stack(p.Value).DetachFromDisposeScope());
        Clear();
        return result;
    }

    public void Reset()
    {
    }

    public void Dispose() => Clear();

    private void Clear()
    {
        foreach (var tensor in steps.Values.SelectMany(list => list))
        {
            tensor.Dispose();
        }

        steps.Clear();
    }
}
