using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa;

/// <summary>
/// One noise stage's predictor: a history mixer (K weights over F_{t-1} .. F_{t-K}, plus a bias,
/// shared by every token and channel) and a KAN gain g over the timestep-difference vector.
/// </summary>
public sealed class LesaExpert : nn.Module
{
    private readonly TorchSharp.Modules.Parameter mixer_weight;
    private readonly TorchSharp.Modules.Parameter mixer_bias;
    private readonly TorchSharp.Modules.ModuleList<KanLayer> gain;

    /// <summary>Creates an expert reading <paramref name="history"/> outputs, with a gain over <paramref name="gainInputs"/> = S + 1 differences.</summary>
    public LesaExpert(int history, int gainInputs, LesaConfig config, ModuleBuild build) : base(nameof(LesaExpert))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentOutOfRangeException.ThrowIfLessThan(history, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gainInputs, 2);
        History = history;
        mixer_weight = build.NewParameter(history);
        mixer_bias = build.NewParameter(1);
        var widths = new List<long> { gainInputs };
        widths.AddRange(config.GainWidths.Select(w => (long)w));
        widths.Add(1);
        gain = new TorchSharp.Modules.ModuleList<KanLayer>();
        for (var i = 0; i + 1 < widths.Count; i++)
        {
            gain.Add(new KanLayer(widths[i], widths[i + 1], build, config.GridSize, config.SplineOrder));
        }

        RegisterComponents();
        if (build.ShouldInitialize)
        {
            using var _ = no_grad();
            // Start from a first difference, F^ = F_{t-1} + g (F_{t-1} - F_{t-2}): linear extrapolation
            // whose per-step gain g the KAN learns (with K = 1, plain reuse plus a learned bias).
            mixer_weight.zero_();
            mixer_weight[0].fill_(1);
            if (history > 1)
            {
                mixer_weight[1].fill_(-1);
            }

            mixer_bias.zero_();
        }
    }

    /// <summary>K: outputs read from the history.</summary>
    public int History { get; }

    /// <summary>w_1 .. w_K (w_k weighs F_{t-k}).</summary>
    public Tensor MixerWeight => mixer_weight;

    /// <summary>The mixer's bias b.</summary>
    public Tensor MixerBias => mixer_bias;

    /// <summary>g(delta) for difference vectors [N, S + 1]: [N].</summary>
    public Tensor Gain(Tensor deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        using var scope = NewDisposeScope();
        var x = deltas;
        foreach (var layer in gain)
        {
            x = layer.call(x);
        }

        return x.squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// F^ = F_{t-1} + g (sum_k w_k F_{t-k} + b) for a history [K, ...] ordered newest first
    /// (history[0] = F_{t-1}) and a scalar gain tensor.
    /// </summary>
    public Tensor Predict(Tensor history, Tensor gainValue)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(gainValue);
        if (history.shape[0] != History)
        {
            throw new ArgumentException($"This expert reads {History} outputs, got a history of {history.shape[0]}.", nameof(history));
        }

        using var scope = NewDisposeScope();
        var mixed = tensordot(mixer_weight, history, [0], [0]) + mixer_bias;
        return (history[0] + gainValue * mixed).MoveToOuterDisposeScope();
    }
}
