using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// One generation's conditioning vectors: for each text conditioning the sampler evaluates, a
/// <see cref="FluxTransformer.ConditioningTable"/> over every step's time, built on first use, so a
/// step (full or forecast) looks its vector up instead of running the time and text MLPs. Tables
/// are keyed by the <see cref="TextConditioning"/> instance, which the sampler keeps for the whole
/// generation; a caller that passes a new instance on every step gets no table after the first
/// <see cref="MaxTables"/> and is conditioned per evaluation, as without this class.
/// </summary>
/// <param name="buildTable">The table of a text conditioning over the given float32 flow times.</param>
internal sealed class GenerationConditioning(Func<Tensor, TextConditioning, Tensor> buildTable) : IDisposable
{
    /// <summary>Tables per generation: one per CFG branch when the branches are evaluated apart.</summary>
    public const int MaxTables = 2;

    private readonly Dictionary<TextConditioning, Tensor> tables = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<double, int> stepOfTime = [];
    private Tensor? stepTimes;

    /// <summary>Starts a generation over the sampler's <paramref name="times"/> t_0 .. t_S (steps evaluate t_0 .. t_{S-1}).</summary>
    public void Begin(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        End();
        var evaluated = times.Take(times.Count - 1).ToArray();
        for (var s = 0; s < evaluated.Length; s++)
        {
            stepOfTime.TryAdd(evaluated[s], s);
        }

        // float32 like the time tensors the sampler would pass.
        stepTimes = tensor(evaluated.Select(t => (float)t).ToArray()).DetachFromDisposeScope();
    }

    /// <summary>
    /// The conditioning [B, inner_dim] of <paramref name="text"/>'s items at <paramref name="time"/>
    /// (a view owned by the caller's dispose scope), or null when no generation is running, the time
    /// is not one of its steps', the table budget is spent or gradients are being recorded (a table
    /// shared by the steps would tie their graphs together).
    /// </summary>
    public Tensor? Lookup(TextConditioning text, double time)
    {
        if (stepTimes is null || is_grad_enabled() || !stepOfTime.TryGetValue(time, out var step))
        {
            return null;
        }

        if (!tables.TryGetValue(text, out var table))
        {
            if (tables.Count == MaxTables)
            {
                return null;
            }

            table = Build(text);
            tables[text] = table;
        }

        return table[step];
    }

    /// <summary>Releases the generation's tables.</summary>
    public void End()
    {
        foreach (var table in tables.Values)
        {
            table.Dispose();
        }

        tables.Clear();
        stepOfTime.Clear();
        stepTimes?.Dispose();
        stepTimes = null;
    }

    /// <inheritdoc />
    public void Dispose() => End();

    private Tensor Build(TextConditioning text)
    {
        using var scope = NewDisposeScope();
        return buildTable(stepTimes!.to(text.Pooled.device), text).DetachFromDisposeScope();
    }
}
