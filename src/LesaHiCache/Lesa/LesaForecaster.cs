using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa;

/// <summary>
/// The LESA forecaster (docs/algorithms.md, section 5): F^ = F_{t-1} + g_s(delta) (sum_k w_{s,k} F_{t-k} + b_s),
/// with the expert s chosen by the current t, over a history of the last K step outputs, computed
/// or forecast. A per-half predictor (<see cref="LesaCfgExperts.PerHalf"/>) forecasts the
/// unconditional CFG rows with its unconditional experts: the first half of a batched
/// [unconditional; conditional] item, or the whole item of the unconditional call. Gains and mixer
/// weights are read once per forecaster (they depend only on the schedule; the predictor keeps
/// them), so a forecast is one weighted sum of the history rows per CFG half; the forecast
/// the generation used joins the history through <see cref="ObserveForecast"/>.
/// Every generation is checked against the predictor: another model (by fingerprint), other sampler
/// times or other full steps raise <see cref="LesaPredictorMismatchException"/>.
/// The predictor is shared and not disposed with the forecaster.
/// </summary>
public sealed class LesaForecaster : IFeatureForecaster
{
    /// <summary>The level LESA forecasts at: its predictors are trained on the stack's output (the model-level hidden state).</summary>
    public const CacheLevel Level = CacheLevel.Model;

    private readonly LesaPredictor predictor;
    private readonly Dictionary<CacheItemKey, History> items = [];
    private LesaPredictor.InferenceCoefficients[]? coefficients; // [conditional, unconditional]
    private GenerationInfo? generation;

    /// <summary>Creates a forecaster over <paramref name="predictor"/>; history kept in <paramref name="options"/>' state dtype.</summary>
    public LesaForecaster(LesaPredictor predictor, ForecasterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        predictor.ThrowIfDisposed();
        this.predictor = predictor;
        Options = options ?? ForecasterOptions.Default;
        Options.Validate();
    }

    /// <summary>State dtype (the distance options do not apply: LESA reads the sampler times).</summary>
    public ForecasterOptions Options { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"lesa(K={string.Join("/", predictor.Info.Config.HistoryLengths)}, {predictor.Info.Schedule})");

    /// <inheritdoc />
    public long StateBytes => items.Values.Sum(h => h.Bytes);

    /// <inheritdoc />
    public int ItemCount => items.Count;

    /// <inheritdoc />
    public long StateBytesPerItem(long itemElements, ScalarType featureType) =>
        (long)predictor.Info.Config.MaxHistory * itemElements * DTypes.ElementSize(Options.StateDType);

    /// <inheritdoc />
    public void BeginGeneration(GenerationInfo generation)
    {
        ArgumentNullException.ThrowIfNull(generation);
        predictor.ThrowIfDisposed();
        predictor.EnsureTimes(generation.Times);
        predictor.EnsureCfg(generation.Cfg);
        predictor.EnsureFullSteps(generation.FullSteps);
        predictor.EnsureModel(generation.Model ?? throw new InvalidOperationException(
            "A LESA predictor forecasts only for the model it was trained for, and this generation does not say which model it runs on: pass a ModelIdentity to CacheSession.BeginGeneration (FluxFlowModel and ShapesModel do)."));
        coefficients = [predictor.Inference(), predictor.Inference(unconditional: true)];
        this.generation = generation;
    }

    /// <inheritdoc />
    public void Observe(CacheItemKey item, Tensor features, StepPosition position)
    {
        ArgumentNullException.ThrowIfNull(features);
        var begun = EnsureBegun();
        if (!items.TryGetValue(item, out var history))
        {
            var rows = LesaRowsOf.Item(predictor.Info.CfgExperts, begun.Cfg, item.Branch);
            if (rows == LesaRows.Halves && (features.dim() == 0 || features.shape[0] % 2 != 0))
            {
                throw new InvalidOperationException($"'{item}' should hold [unconditional; conditional] rows, but its first dimension is not even ([{string.Join(", ", features.shape)}]).");
            }

            history = new History(predictor.Info.Config.MaxHistory, features, Options.StateDType, rows);
            items[item] = history;
        }

        using var _ = no_grad();
        using var detached = features.detach();
        history.Append(detached);
    }

    /// <inheritdoc />
    public Tensor Forecast(CacheItemKey item, StepPosition position)
    {
        EnsureBegun();
        var history = HistoryOf(item);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var parts = LesaRowsOf.Parts(history.Rows);
        var slotWeights = new float[parts * history.Capacity];
        var biases = new float[parts];
        for (var part = 0; part < parts; part++)
        {
            var set = coefficients![LesaRowsOf.IsUnconditional(history.Rows, part) ? 1 : 0];
            biases[part] = SlotWeights(history, set, position.Step, slotWeights.AsSpan(part * history.Capacity, history.Capacity));
        }

        // Both CFG halves in one batched product over the ring, [parts, 1, K] x [parts, K, N / parts]:
        // on CPU it reads the history once, where one in-place add per row read it K times (docs/lesa.md).
        var rows = history.Ring.view(history.Capacity, parts, -1).permute(1, 0, 2);
        var weights = tensor(slotWeights, [parts, 1, history.Capacity], history.StateType, history.Device);
        var prediction = weights.bmm(rows).add_(tensor(biases, [parts, 1, 1], history.StateType, history.Device)).view(history.Shape);
        var forecast = prediction.dtype == history.FeatureType ? prediction : prediction.to_type(history.FeatureType);
        return forecast.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public bool ObservesForecasts => true;

    /// <summary>Appends the forecast the generation used to the item's history (LESA mixes the last K outputs, computed or forecast).</summary>
    public void ObserveForecast(CacheItemKey item, Tensor forecast, StepPosition position)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        var history = HistoryOf(item);
        using var _ = no_grad();
        using var detached = forecast.detach();
        history.Append(detached);
    }

    /// <summary>
    /// Writes into <paramref name="slotWeights"/> the weight of each ring slot in
    /// F^ = F_{t-1} + g (sum_k w_k F_{t-k} + b) at <paramref name="step"/> and returns the constant g b.
    /// </summary>
    private float SlotWeights(History history, LesaPredictor.InferenceCoefficients set, int step, Span<float> slotWeights)
    {
        var stage = predictor.StageOf(step);
        var gain = set.Gains[step];
        var stageWeights = set.Weights[stage];
        for (var k = 1; k <= stageWeights.Length; k++)
        {
            slotWeights[history.SlotOf(k)] += (float)(gain * stageWeights[k - 1]);
        }

        slotWeights[history.SlotOf(1)] += 1;
        return (float)(gain * set.Biases[stage]);
    }

    /// <inheritdoc />
    public void Reset()
    {
        foreach (var history in items.Values)
        {
            history.Dispose();
        }

        items.Clear();
        generation = null;
    }

    /// <inheritdoc />
    public void Dispose() => Reset();

    private History HistoryOf(CacheItemKey item) =>
        items.TryGetValue(item, out var history)
            ? history
            : throw new InvalidOperationException($"'{item}' was never computed in this generation: the first steps must be full steps.");

    private GenerationInfo EnsureBegun() =>
        generation ?? throw new InvalidOperationException("LESA needs the sampler's times: call BeginGeneration (a CacheSession does) before the first step.");

    /// <summary>The last Capacity outputs of one item, a ring of rows [Capacity, N] (missing early entries repeat the first).</summary>
    private sealed class History : IDisposable
    {
        private Tensor? ring;
        private int written;

        public History(int capacity, Tensor first, ScalarType stateType, LesaRows rows)
        {
            Capacity = capacity;
            Shape = first.shape;
            FeatureType = first.dtype;
            StateType = stateType;
            Device = first.device;
            Rows = rows;
        }

        public int Capacity { get; }

        /// <summary>Which expert sets forecast the item's rows.</summary>
        public LesaRows Rows { get; }

        public long[] Shape { get; }

        public ScalarType FeatureType { get; }

        public ScalarType StateType { get; }

        public Device Device { get; }

        public Tensor Ring => ring ?? throw new InvalidOperationException("Empty history.");

        public long Bytes => ring is null ? 0 : ring.NumberOfElements * ring.ElementSize;

        /// <summary>The slot of F_{t-k}, k &gt;= 1.</summary>
        public int SlotOf(int k) => (((written - k) % Capacity) + Capacity) % Capacity;

        public void Append(Tensor values)
        {
            if (!values.shape.SequenceEqual(Shape))
            {
                throw new InvalidOperationException($"The cached item's shape changed within a generation ([{string.Join(", ", Shape)}] to [{string.Join(", ", values.shape)}]).");
            }

            using var row = values.reshape(1, -1);
            if (ring is null)
            {
                using var typed = row.to_type(StateType);
                ring = typed.repeat(Capacity, 1).DetachFromDisposeScope();
            }
            else
            {
                using var slot = ring[written % Capacity];
                using var flat = row[0];
                slot.copy_(flat);
            }

            written++;
        }

        public void Dispose()
        {
            ring?.Dispose();
            ring = null;
        }
    }
}
