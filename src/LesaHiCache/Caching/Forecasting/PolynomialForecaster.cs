using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// Base of the forecasters that extrapolate from derivative estimates at the last full step
/// (FORA, TaylorSeer, HiCache; docs/algorithms.md, sections 3 and 4): a subclass only says how to
/// weight the Taylor coefficients a_n = D_n / n! at a distance k from the last full step.
/// </summary>
public abstract class PolynomialForecaster : IFeatureForecaster
{
    private readonly Dictionary<CacheItemKey, PolynomialState> items = [];
    private int warmupSteps = 1;

    /// <summary>
    /// The highest order accepted. Higher orders need more warm-up steps than the papers' schedules
    /// give and extrapolate worse (order 10 measured 1.6-4.0 dB); the papers use 1 and 2.
    /// </summary>
    public const int MaxOrder = 8;

    /// <summary>Creates the forecaster keeping derivatives up to <paramref name="order"/> (0 to <see cref="MaxOrder"/>).</summary>
    protected PolynomialForecaster(int order, ForecasterOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, MaxOrder);
        Options = options ?? ForecasterOptions.Default;
        Options.Validate();
        Order = order;
    }

    /// <summary>Highest derivative kept.</summary>
    public int Order { get; }

    /// <summary>State dtype, distance unit and derivative scheme.</summary>
    public ForecasterOptions Options { get; }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public long StateBytes => items.Values.Sum(s => s.Bytes);

    /// <inheritdoc />
    public long StateBytesPerItem(long itemElements, ScalarType featureType) =>
        PolynomialState.KeptOutputs(Order) * itemElements * DTypes.ElementSize(Options.StateDType);

    /// <inheritdoc />
    public int ItemCount => items.Count;

    /// <summary>Weights w_n of the Taylor coefficients a_0..a_{length-1} at distance <paramref name="k"/>.</summary>
    protected abstract double[] Weights(int length, double k);

    /// <inheritdoc />
    public void BeginGeneration(GenerationInfo generation)
    {
        ArgumentNullException.ThrowIfNull(generation);
        warmupSteps = generation.WarmupSteps;
    }

    /// <inheritdoc />
    public void Observe(CacheItemKey item, Tensor features, StepPosition position)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (!items.TryGetValue(item, out var state))
        {
            state = new PolynomialState(features.dtype, Options.StateDType, features.device, Options.StateDevice);
            items[item] = state;
        }

        // The reference ladder forms differences only from step W - 1 of the warm-up on
        // (TaylorSeer's "step > first_enhance - 2"); before it a full step keeps D_0 alone.
        var formsDifferences = Options.Scheme == DerivativeScheme.Interpolating || position.Step >= warmupSteps - 1;
        state.Update(item, features, position.Coordinate(Options.Distance), Order, Options.Scheme, formsDifferences);
    }

    /// <summary>The derivative estimates D_0 .. D_n held for <paramref name="item"/> (float64, on its device; the caller disposes them).</summary>
    internal IReadOnlyList<Tensor> Derivatives(CacheItemKey item)
    {
        var state = StateOf(item);
        using var _ = no_grad();
        var result = new List<Tensor>();
        var factorial = 1.0;
        for (var n = 0; n < state.CoefficientCount; n++)
        {
            factorial *= Math.Max(n, 1);
            var weights = new double[state.CoefficientCount];
            weights[n] = factorial;
            var outputWeights = state.OutputWeights(weights);
            var derivative = zeros_like(state.Outputs[0], ScalarType.Float64);
            for (var j = 0; j < outputWeights.Length; j++)
            {
                using var output = state.Outputs[j].to_type(ScalarType.Float64);
                using var alpha = Scalars.Of(outputWeights[j]);
                derivative.add_(output, alpha: alpha);
            }

            result.Add(derivative);
        }

        return result;
    }

    /// <inheritdoc />
    public Tensor Forecast(CacheItemKey item, StepPosition position)
    {
        var state = StateOf(item);
        var weights = OutputWeightsAt(state, position);
        using var _ = no_grad();
        var outputs = state.Outputs;
        Tensor result;
        using (var first = Scalars.Of(weights[0]))
        {
            result = weights[0] == 1 ? outputs[0].clone() : outputs[0].mul(first);
        }

        for (var j = 1; j < weights.Length; j++)
        {
            if (weights[j] != 0)
            {
                using var alpha = Scalars.Of(weights[j]);
                result.add_(outputs[j], alpha: alpha);
            }
        }

        if (state.Offloaded)
        {
            using (result)
            {
                return result.to(state.FeatureType, state.FeatureDevice);
            }
        }

        return result.dtype == state.FeatureType ? result : ConvertAndDispose(result, state.FeatureType);
    }

    /// <summary>
    /// target += scale * forecast as one in-place multiply-add per kept output, without
    /// materialising the forecast (when the target has the state's dtype; otherwise the forecast is
    /// made in the features' dtype first, as <see cref="Forecast"/> returns it).
    /// </summary>
    public void AddScaledForecast(CacheItemKey item, StepPosition position, Tensor target, Tensor scale)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(scale);
        var state = StateOf(item);
        using var _ = no_grad();
        if (target.dtype != state.StateType || state.Offloaded)
        {
            using var forecast = Forecast(item, position);
            target.addcmul_(scale, forecast, Scalars.One);
            return;
        }

        var weights = OutputWeightsAt(state, position);
        for (var j = 0; j < weights.Length; j++)
        {
            if (weights[j] != 0)
            {
                using var weight = Scalars.Of(weights[j]);
                target.addcmul_(scale, state.Outputs[j], weight);
            }
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        warmupSteps = 1;
        foreach (var state in items.Values)
        {
            state.Dispose();
        }

        items.Clear();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Reset();
        GC.SuppressFinalize(this);
    }

    private PolynomialState StateOf(CacheItemKey item)
    {
        return items.TryGetValue(item, out var state)
            ? state
            : throw new InvalidOperationException($"'{item}' was never computed in this generation: the first steps must be full steps.");
    }

    /// <summary>The forecast sum_n w_n(k) a_n as weights of the item's kept outputs.</summary>
    private double[] OutputWeightsAt(PolynomialState state, StepPosition position) =>
        state.OutputWeights(Weights(state.CoefficientCount, position.Coordinate(Options.Distance) - state.LastNode));

    private static Tensor ConvertAndDispose(Tensor tensor, ScalarType type)
    {
        using (tensor)
        {
            return tensor.to_type(type);
        }
    }
}
