using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// A session observer that, with every step full, records each computed item at every step
/// (float16, host memory) together with the sampler times. <see cref="Take"/> hands the recording
/// over; a new generation or <see cref="Dispose"/> drops it.
/// </summary>
internal sealed class TrajectoryRecorder : ICacheObserver, IDisposable
{
    private readonly Dictionary<CacheItemKey, List<Tensor>> steps = [];

    /// <summary>The recorded generation's times, warm-up and CFG layout.</summary>
    public GenerationInfo? Generation { get; private set; }

    public void BeginGeneration(GenerationInfo generation)
    {
        Clear();
        Generation = generation;
    }

    public void Computed(CacheItemKey item, Tensor features, StepPosition position)
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

    /// <summary>The recorded items, each [S, ...] (the caller owns them); clears the recorder.</summary>
    public Dictionary<CacheItemKey, Tensor> Take()
    {
        var result = steps.ToDictionary(p => p.Key, p => stack(p.Value).DetachFromDisposeScope());
        Clear();
        return result;
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
