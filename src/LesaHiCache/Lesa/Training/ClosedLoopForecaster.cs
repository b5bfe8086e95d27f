using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// Phase 2's forecaster: forecasts like <see cref="LesaForecaster"/> (per-half experts included) with
/// the predictor's current weights. When the session records the forecast it used
/// (<see cref="ObserveForecast"/>, once per item per forecast step) it hands the L1 loss of the same
/// prediction, with gradients, against the uncached run's features of that step to <c>learn</c> (one
/// optimiser step) and appends the forecast to the history (one-step gradients).
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
        using var _ = no_grad();
        using var prediction = Predict(item, position);
        return prediction.to_type(featureTypes[item]);
    }

    public bool ObservesForecasts => true;

    /// <summary>
    /// The training step: the same prediction again, with gradients, against the uncached features
    /// of this step (one optimiser step); then the forecast the sampler used joins the history.
    /// </summary>
    public void ObserveForecast(CacheItemKey item, Tensor forecast, StepPosition position)
    {
        if (!episode.Features.TryGetValue(item, out var truth))
        {
            throw new InvalidOperationException($"The trajectories hold no '{item}': record them with the same pipeline.");
        }

        using (enable_grad())
        {
            using var scope = NewDisposeScope();
            var target = truth[position.Step].to(device).to_type(ScalarType.Float32);
            learn(nn.functional.l1_loss(Predict(item, position), target));
        }

        using (no_grad())
        {
            Push(item, forecast.detach().to_type(ScalarType.Float32, copy: true));
        }
    }

    /// <summary>The predictor's forecast from the item's history, with the current weights (gradients as the caller's mode).</summary>
    private Tensor Predict(CacheItemKey item, StepPosition position)
    {
        if (!histories.TryGetValue(item, out var history))
        {
            throw new InvalidOperationException($"'{item}' was never computed: the first step must be full.");
        }

        var rows = LesaRowsOf.Item(predictor.Info.CfgExperts, (generation ?? throw new InvalidOperationException("BeginGeneration first.")).Cfg, item.Branch);
        var length = predictor.ExpertOf(position.Step).History;
        using var scope = NewDisposeScope();
        var stacked = stack(Enumerable.Range(0, length).Select(k => history[Math.Min(k, history.Count - 1)]));
        return cat(LesaRowsOf.Split(stacked, rows, dim: 1)
            .Select(part => predictor.ExpertOf(position.Step, part.Unconditional).Predict(part.Part, predictor.Gain(position.Step, part.Unconditional)))
            .ToList(), 0).MoveToOuterDisposeScope();
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
