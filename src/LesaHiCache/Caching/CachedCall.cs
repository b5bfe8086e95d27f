using LesaHiCache.Caching.Schedules;
using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>One cached transformer call of <see cref="CachingRunner"/>: the decision and the branching for it.</summary>
internal sealed class CachedCall<TState>(HostBlocks<TState> stack, CacheForward forward)
{
    private int first;
    private bool hasState;
    private TState? state;
    private Tensor? hidden;

    public Tensor Run()
    {
        var signal = forward.Signal;
        if (signal.Source == SignalSource.LeadingResidual && stack.Blocks.Count > 0)
        {
            RunLeadingBlocksAndReport(signal.LeadingBlocks);
        }
        else if (signal.Source == SignalSource.ModulatedInput && stack.Blocks.Count > 0)
        {
            ReportModulatedInput();
        }

        return forward.Level switch
        {
            CacheLevel.Model => forward.ComputesItems ? ComputeModel() : ForecastModel(),
            CacheLevel.Module => forward.ComputesItems ? ComputeModules() : ForecastModules(),
            CacheLevel.Block => forward.ComputesItems ? ComputeBlocks() : ForecastBlocks(),
            _ => throw new InvalidOperationException($"Unknown cache level {forward.Level}."),
        };
    }

    /// <summary>Residual signals: the first <paramref name="count"/> blocks run (uncached) and their residual decides the step.</summary>
    private void RunLeadingBlocksAndReport(int count)
    {
        if (count >= stack.Blocks.Count)
        {
            throw new InvalidOperationException($"The schedule runs the first {count} block(s) on every step, but this model has {stack.Blocks.Count}: leave at least one block to cache.");
        }

        var input = stack.Input();
        var current = stack.Begin(input);
        for (var i = 0; i < count; i++)
        {
            current = stack.Blocks[i].Forward(current, NoBranchOutputs.Instance);
        }

        state = current;
        hasState = true;
        hidden = stack.HiddenOf(state);
        forward.ReportSignal(hidden - input);
        first = count;
    }

    /// <summary>TeaCache: the first block's modulated input decides the step; no block runs for it.</summary>
    private void ReportModulatedInput()
    {
        if (stack.Blocks[0] is not IModulatedInputSource source)
        {
            throw new InvalidOperationException($"The schedule measures the first block's modulated input, which this model's first block ({stack.Blocks[0].GetType().Name}) does not expose; FLUX, HunyuanVideo and Qwen-Image blocks do.");
        }

        hidden = stack.Input();
        using var modulated = source.ModulatedInput(hidden);
        forward.ReportSignal(modulated);
    }

    /// <summary>The input state of the first block that is cached.</summary>
    private TState FullState() => hasState ? state! : stack.Begin(hidden ??= stack.Input());

    /// <summary>The cached stream entering the first cached block, as a tensor this call may update in place (blocks never change their input).</summary>
    private Tensor OwnedHidden()
    {
        if (hidden is not null)
        {
            return hasState || stack.RunnerOwnsInput ? hidden : hidden.clone();
        }

        var input = stack.Input();
        return stack.RunnerOwnsInput ? input : input.clone();
    }

    private Tensor RunRest(Func<int, TState, IBranchOutputs> outputs) =>
        stack.HiddenOf(CachingRunner.RunBlocks(stack, FullState(), first, outputs));

    private Tensor ComputeModel()
    {
        var output = RunRest(static (_, _) => NoBranchOutputs.Instance);
        forward.Observe(CacheItemKey.Model(forward.Branch), output);
        return output;
    }

    private Tensor ForecastModel()
    {
        var key = CacheItemKey.Model(forward.Branch);
        var forecast = forward.Forecast(key);
        if (forward.IsShadow)
        {
            using var real = RunRest(static (_, _) => NoBranchOutputs.Instance);
            forward.RecordShadowError(key, forecast, real);
        }

        forward.ForecastUsed(key, forecast);
        return forecast;
    }

    private Tensor ComputeModules() => RunRest((block, _) => new RecordedBranches(forward, block));

    private Tensor ForecastModules()
    {
        var compared = forward.IsShadow ? CompareModules() : null;
        try
        {
            var target = OwnedHidden();
            for (var i = first; i < stack.Blocks.Count; i++)
            {
                stack.Blocks[i].AddForecasts(target, new BlockForecasts(forward, i, compared));
            }

            return target;
        }
        finally
        {
            Dispose(compared);
        }
    }

    /// <summary>A shadow step: the blocks run for real; each branch's forecast is compared with its real output and kept for the forecast path.</summary>
    private Dictionary<CacheItemKey, Tensor> CompareModules()
    {
        var compared = new Dictionary<CacheItemKey, Tensor>();
        try
        {
            using var real = RunRest((block, _) => new ComparedBranches(forward, block, compared));
            return compared;
        }
        catch
        {
            Dispose(compared);
            throw;
        }
    }

    private Tensor ComputeBlocks() => RunBlockResiduals(null);

    /// <summary>
    /// Block level with the blocks running: records each block's residual, or on a shadow step
    /// compares it with its forecast and keeps the forecast in <paramref name="shadowForecasts"/>.
    /// </summary>
    private Tensor RunBlockResiduals(List<Tensor>? shadowForecasts)
    {
        var current = FullState();
        for (var i = first; i < stack.Blocks.Count; i++)
        {
            var before = stack.HiddenOf(current);
            current = stack.Blocks[i].Forward(current, NoBranchOutputs.Instance);
            using var residual = stack.HiddenOf(current) - before;
            var key = forward.Key(i, 0);
            if (shadowForecasts is null)
            {
                forward.Observe(key, residual);
                continue;
            }

            var forecast = forward.Forecast(key).DetachFromDisposeScope();
            shadowForecasts.Add(forecast);
            forward.RecordShadowError(key, forecast, residual);
        }

        return stack.HiddenOf(current);
    }

    private Tensor ForecastBlocks()
    {
        var forecasts = new List<Tensor>();
        try
        {
            if (forward.IsShadow)
            {
                using var real = RunBlockResiduals(forecasts);
            }

            var result = hidden ?? (hasState ? stack.HiddenOf(state!) : stack.Input());
            for (var i = first; i < stack.Blocks.Count; i++)
            {
                var key = forward.Key(i, 0);
                var forecast = i - first < forecasts.Count ? forecasts[i - first] : Keep(forecasts, forward.Forecast(key).DetachFromDisposeScope());
                result = result + forecast;
                forward.ForecastUsed(key, forecast);
            }

            return result;
        }
        finally
        {
            forecasts.ForEach(f => f.Dispose());
        }
    }

    private static Tensor Keep(List<Tensor> list, Tensor tensor)
    {
        list.Add(tensor);
        return tensor;
    }

    private static void Dispose(Dictionary<CacheItemKey, Tensor>? tensors)
    {
        foreach (var tensor in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            tensor.Dispose();
        }
    }

    /// <summary>A full step's branch outputs: recorded.</summary>
    private sealed class RecordedBranches(CacheForward forward, int block) : IBranchOutputs
    {
        public void Computed(int slot, Tensor output) => forward.Observe(forward.Key(block, slot), output);
    }

    /// <summary>A shadow step's real branch outputs: compared with their forecasts, which are kept.</summary>
    private sealed class ComparedBranches(CacheForward forward, int block, Dictionary<CacheItemKey, Tensor> compared) : IBranchOutputs
    {
        public void Computed(int slot, Tensor output)
        {
            var key = forward.Key(block, slot);
            var forecast = forward.Forecast(key).DetachFromDisposeScope();
            compared.Add(key, forecast);
            forward.RecordShadowError(key, forecast, output);
        }
    }

    /// <summary>A forecast step's gated forecasts of one block (on a shadow step, the compared ones).</summary>
    private sealed class BlockForecasts(CacheForward forward, int block, Dictionary<CacheItemKey, Tensor>? compared) : IGatedForecasts
    {
        public void AddTo(Tensor hidden, int slot, Tensor gate)
        {
            var key = forward.Key(block, slot);
            forward.AddGatedForecast(key, hidden, gate, compared?.GetValueOrDefault(key));
        }
    }
}
