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

    /// <summary>The end (exclusive) of the blocks whose outputs are cached: the last <see cref="CacheForward.TrailingBlocks"/> run on every step.</summary>
    private int CachedEnd => stack.Blocks.Count - forward.TrailingBlocks;

    public Tensor Run()
    {
        var signal = forward.Signal;
        if (EveryStepBlocks.NoneLeftToCache(EveryStepBlocks.Leading(signal), forward.TrailingBlocks, stack.Blocks.Count) is { } noneLeft)
        {
            throw new InvalidOperationException(noneLeft);
        }

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

    /// <summary>The context stream when blocks run after the cached ones: its residuals are cached too (slot 1).</summary>
    private HostContext<TState>? TrailingContext => forward.TrailingBlocks > 0 ? stack.Context : null;

    /// <summary>
    /// Block level with the blocks running: records each cached block's residual (and its context
    /// residual when blocks follow), or on a shadow step compares them with their forecasts and keeps
    /// the forecasts in <paramref name="shadowForecasts"/>; then runs the trailing blocks.
    /// </summary>
    private Tensor RunBlockResiduals(Dictionary<CacheItemKey, Tensor>? shadowForecasts)
    {
        var current = FullState();
        var context = TrailingContext;
        for (var i = first; i < CachedEnd; i++)
        {
            var before = stack.HiddenOf(current);
            var contextBefore = context?.Of(current);
            current = stack.Blocks[i].Forward(current, NoBranchOutputs.Instance);
            using (var residual = stack.HiddenOf(current) - before)
            {
                ObserveOrCompare(forward.Key(i, 0), residual, shadowForecasts);
            }

            if (context is not null)
            {
                using var contextResidual = context.Of(current) - contextBefore!;
                ObserveOrCompare(forward.Key(i, 1), contextResidual, shadowForecasts);
            }
        }

        return RunTrailingBlocks(current);
    }

    /// <summary>Runs the blocks after the cached ones (none without trailing blocks) and returns the cached stream.</summary>
    private Tensor RunTrailingBlocks(TState entry) =>
        stack.HiddenOf(CachingRunner.RunBlocks(stack, entry, CachedEnd, static (_, _) => NoBranchOutputs.Instance));

    private void ObserveOrCompare(CacheItemKey key, Tensor residual, Dictionary<CacheItemKey, Tensor>? shadowForecasts)
    {
        if (shadowForecasts is null)
        {
            forward.Observe(key, residual);
            return;
        }

        var forecast = forward.Forecast(key).DetachFromDisposeScope();
        shadowForecasts.Add(key, forecast);
        forward.RecordShadowError(key, forecast, residual);
    }

    /// <summary>
    /// Adds every cached block's forecast residual to the stream entering the first cached block; with
    /// trailing blocks, the context stream's too, and the trailing blocks then run on both.
    /// </summary>
    private Tensor ForecastBlocks()
    {
        var forecasts = new Dictionary<CacheItemKey, Tensor>();
        try
        {
            if (forward.IsShadow)
            {
                using var real = RunBlockResiduals(forecasts);
            }

            Tensor result;
            Tensor? context = null;
            if (forward.TrailingBlocks > 0)
            {
                var entry = FullState();
                result = stack.HiddenOf(entry);
                context = TrailingContext?.Of(entry);
            }
            else
            {
                result = hidden ?? (hasState ? stack.HiddenOf(state!) : stack.Input());
            }

            for (var i = first; i < CachedEnd; i++)
            {
                result = result + UsedForecast(forward.Key(i, 0), forecasts);
                if (context is not null)
                {
                    context = context + UsedForecast(forward.Key(i, 1), forecasts);
                }
            }

            if (forward.TrailingBlocks == 0)
            {
                return result;
            }

            return RunTrailingBlocks(TrailingContext is { } host ? host.Join(result, context!) : stack.Begin(result));
        }
        finally
        {
            Dispose(forecasts);
        }
    }

    /// <summary>The forecast of <paramref name="key"/> (the one a shadow step already made, if any), reported as used.</summary>
    private Tensor UsedForecast(CacheItemKey key, Dictionary<CacheItemKey, Tensor> forecasts)
    {
        if (!forecasts.TryGetValue(key, out var forecast))
        {
            forecast = forward.Forecast(key).DetachFromDisposeScope();
            forecasts.Add(key, forecast);
        }

        forward.ForecastUsed(key, forecast);
        return forecast;
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
