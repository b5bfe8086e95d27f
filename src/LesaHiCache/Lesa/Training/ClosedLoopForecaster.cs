using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// Phase 2's forecaster: forecasts like <see cref="LesaForecaster"/> (per-half experts included) but
/// with gradients, hands the L1 loss against the uncached run's features of the same step to
/// <c>learn</c> (one optimiser step), and feeds the detached prediction to the sampler and to the
/// history (one-step gradients).
/// </summary>
internal sealed class ClosedLoopForecaster(LesaPredictor predictor, LesaEpisode episode, Device device, Action<Tensor> learn) : IFeatureForecaster
{
    private readonly Dictionary<CacheItemKey, List<Tensor>> histories = [];
    private readonly Dictionary<CacheItemKey, ScalarType> featureTypes = [];
    private GenerationInfo? generation;

    public string Name => "lesa (closed-loop training)";

    public long StateBytes => histories.Values.Sum(h => h.Sum(t => t.NumberOfElements * t.ElementSize));

    public int ItemCount => histories.Count;

    public void BeginGeneration(GenerationInfo generation)
    {
        predictor.EnsureTimes(generation.Times);
        predictor.EnsureCfg(generation.Cfg);
        this.generation = generation;
    }

    public void Observe(CacheItemKey item, Tensor features, StepPosition position)
    {
        using var _ = no_grad();
        featureTypes[item] = features.dtype;
        Push(item, features.detach().to_type(ScalarType.Float32, copy: true));
    }

    public Tensor Forecast(CacheItemKey item, StepPosition position)
    {
        if (!histories.TryGetValue(item, out var history))
        {
            throw new InvalidOperationException($"'{item}' was never computed: the first step must be full.");
        }

        if (!episode.Features.TryGetValue(item, out var truth))
        {
            throw new InvalidOperationException($"The trajectories hold no '{item}': record them with the same pipeline.");
        }

        var rows = LesaRowsOf.Item(predictor.Info.CfgExperts, (generation ?? throw new InvalidOperationException("BeginGeneration first.")).Cfg, item.Branch);
        var length = predictor.ExpertOf(position.Step).History;
        Tensor prediction;
        using (enable_grad())
        {
            using var scope = NewDisposeScope();
            var stacked = stack(Enumerable.Range(0, length).Select(k => history[Math.Min(k, history.Count - 1)]));
            var predicted = cat(LesaRowsOf.Split(stacked, rows, dim: 1)
                .Select(part => predictor.ExpertOf(position.Step, part.Unconditional).Predict(part.Part, predictor.Gain(position.Step, part.Unconditional)))
                .ToList(), 0);
            var target = truth[position.Step].to(device).to_type(ScalarType.Float32);
            learn(nn.functional.l1_loss(predicted, target));
            prediction = predicted.detach().MoveToOuterDisposeScope();
        }

        using (no_grad())
        {
            Push(item, prediction.clone());
        }

        return prediction.to_type(featureTypes[item]);
    }

    public void Reset()
    {
        foreach (var tensor in histories.Values.SelectMany(h => h))
        {
            tensor.Dispose();
        }

        histories.Clear();
        generation = null;
    }

    public void Dispose() => Reset();

    private void Push(CacheItemKey item, Tensor value)
    {
        if (!histories.TryGetValue(item, out var history))
        {
            history = [];
            histories[item] = history;
        }

        history.Insert(0, value.DetachFromDisposeScope());
        if (history.Count > predictor.Info.Config.MaxHistory)
        {
            history[^1].Dispose();
            history.RemoveAt(history.Count - 1);
        }
    }
}
