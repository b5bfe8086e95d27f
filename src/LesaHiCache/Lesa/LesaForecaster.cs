using System.Globalization;
using LesaHiCache.Caching.Forecasting;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa;

/// <summary>
/// The LESA forecaster (ALGORITHMS.md section 3): F^ = F_{t-1} + g_s(delta) (sum_k w_{s,k} F_{t-k} + b_s),
/// with the expert s chosen by the current t, over a history of the last K step outputs, computed
/// or forecast. Gains and mixer weights are read once per forecaster (they depend only on the
/// schedule; the predictor keeps them), so a forecast is a weighted sum of the history rows with a
/// nonzero weight and a copy into the history.
/// Sampling with other times than the predictor's raises <see cref="LesaPredictorMismatchException"/>.
/// The predictor is shared and not disposed with the forecaster.
/// </summary>
public sealed class LesaForecaster : IFeatureForecaster
{
    private readonly LesaPredictor predictor;
    private readonly Dictionary<string, History> items = [];
    private LesaPredictor.InferenceCoefficients? coefficients;
    private bool begun;

    /// <summary>Creates a forecaster over <paramref name="predictor"/>; history kept in <paramref name="options"/>' state dtype.</summary>
    public LesaForecaster(LesaPredictor predictor, ForecasterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        this.predictor = predictor;
        Options = options ?? ForecasterOptions.Default;
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
    public void BeginGeneration(IReadOnlyList<double> sampleTimes)
    {
        predictor.EnsureTimes(sampleTimes);
        coefficients = predictor.Inference();
        begun = true;
    }

    /// <inheritdoc />
    public void Observe(string item, Tensor features, StepPosition position)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(features);
        EnsureBegun();
        if (!items.TryGetValue(item, out var history))
        {
            history = new History(predictor.Info.Config.MaxHistory, features, Options.StateDType);
            items[item] = history;
        }

        using var _ = no_grad();
        using var detached = features.detach();
        history.Append(detached);
    }

    /// <inheritdoc />
    public Tensor Forecast(string item, StepPosition position)
    {
        ArgumentNullException.ThrowIfNull(item);
        EnsureBegun();
        if (!items.TryGetValue(item, out var history))
        {
            throw new InvalidOperationException($"'{item}' was never computed in this generation: the first steps must be full steps.");
        }

        var stage = predictor.StageOf(position.Step);
        var gain = coefficients!.Gains[position.Step];
        var stageWeights = coefficients.Weights[stage];
        var row = new float[history.Capacity];
        for (var k = 1; k <= stageWeights.Length; k++)
        {
            row[history.SlotOf(k)] += (float)(gain * stageWeights[k - 1]);
        }

        row[history.SlotOf(1)] += 1;
        using var _ = no_grad();
        // Weighted sum of the rows with a nonzero weight (a [1, K] x [K, N] product measured slower on CPU).
        var newest = history.SlotOf(1);
        using var first = history.Ring[newest];
        using var combined = first.mul(row[newest]).add_(gain * coefficients.Biases[stage]);
        for (var slot = 0; slot < row.Length; slot++)
        {
            if (slot != newest && row[slot] != 0)
            {
                using var other = history.Ring[slot];
                combined.add_(other, alpha: row[slot]);
            }
        }

        var prediction = combined.view(history.Shape);
        history.Append(prediction);
        return prediction.dtype == history.FeatureType ? prediction : prediction.to_type(history.FeatureType);
    }

    /// <inheritdoc />
    public void Reset()
    {
        foreach (var history in items.Values)
        {
            history.Dispose();
        }

        items.Clear();
        begun = false;
    }

    /// <inheritdoc />
    public void Dispose() => Reset();

    private void EnsureBegun()
    {
        if (!begun)
        {
            throw new InvalidOperationException("LESA needs the sampler's times: call BeginGeneration (a CacheSession does) before the first step.");
        }
    }

    /// <summary>The last Capacity outputs of one item, a ring of rows [Capacity, N] (missing early entries repeat the first).</summary>
    private sealed class History : IDisposable
    {
        private Tensor? ring;
        private int written;

        public History(int capacity, Tensor first, ScalarType stateType)
        {
            Capacity = capacity;
            Shape = first.shape;
            FeatureType = first.dtype;
            StateType = stateType;
            Device = first.device;
        }

        public int Capacity { get; }

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
                ring = row.to_type(StateType).repeat(Capacity, 1).DetachFromDisposeScope();
            }
            else
            {
                ring[written % Capacity].copy_(row[0]);
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
