using static TorchSharp.torch;

namespace LesaHiCache.Caching.Forecasting;

/// <summary>
/// Base of the forecasters that extrapolate from derivative estimates at the last full step
/// (FORA, TaylorSeer, HiCache): a subclass only says how to weight the Taylor coefficients
/// a_n = D_n / n! at a distance k from the last full step.
/// </summary>
public abstract class PolynomialForecaster : IFeatureForecaster
{
    private readonly Dictionary<string, PolynomialState> items = [];

    /// <summary>Creates the forecaster keeping derivatives up to <paramref name="order"/>.</summary>
    protected PolynomialForecaster(int order, ForecasterOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        Order = order;
        Options = options ?? ForecasterOptions.Default;
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
    public int ItemCount => items.Count;

    /// <summary>Weights w_n of the Taylor coefficients a_0..a_{length-1} at distance <paramref name="k"/>.</summary>
    protected abstract double[] Weights(int length, double k);

    /// <inheritdoc />
    public void Observe(string item, Tensor features, StepPosition position)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(features);
        if (!items.TryGetValue(item, out var state))
        {
            state = new PolynomialState(features.dtype);
            items[item] = state;
        }

        using var _ = no_grad();
        using var detached = features.detach();
        var fresh = detached.to_type(Options.StateDType, copy: true);
        state.Update(fresh, position.Coordinate(Options.Distance), Order, Options.Scheme);
    }

    /// <inheritdoc />
    public Tensor Forecast(string item, StepPosition position)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!items.TryGetValue(item, out var state))
        {
            throw new InvalidOperationException($"'{item}' was never computed in this generation: the first steps must be full steps.");
        }

        var k = position.Coordinate(Options.Distance) - state.LastNode;
        var weights = Weights(state.Coefficients.Count, k);
        using var _ = no_grad();
        // w_0 is 1 for every forecaster here: start from a_0 + w_1 a_1 (one op) rather than a_0 * w_0.
        var result = weights.Length > 1
            ? (weights[0] == 1 ? state.Coefficients[0].add(state.Coefficients[1], alpha: weights[1]) : (state.Coefficients[0] * weights[0]).add_(state.Coefficients[1], alpha: weights[1]))
            : (weights[0] == 1 ? state.Coefficients[0].clone() : state.Coefficients[0] * weights[0]);
        for (var n = 2; n < weights.Length; n++)
        {
            result.add_(state.Coefficients[n], alpha: weights[n]);
        }

        return result.dtype == state.FeatureType ? result : ConvertAndDispose(result, state.FeatureType);
    }

    /// <inheritdoc />
    public void Reset()
    {
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

    private static Tensor ConvertAndDispose(Tensor tensor, ScalarType type)
    {
        using (tensor)
        {
            return tensor.to_type(type);
        }
    }
}
