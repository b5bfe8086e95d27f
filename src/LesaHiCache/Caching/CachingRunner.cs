using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// Runs a host's block stack for one transformer call and owns every caching decision in it: the
/// signal adaptive schedules decide from, full or forecast, the level, and shadow steps. A
/// host only supplies a <see cref="HostBlocks{TState}"/> (docs/caching.md, "Add a host").
/// <list type="bullet">
/// <item><see cref="CacheLevel.Model"/>: a full step runs every block and records the stack's output;
/// a forecast step returns the forecast output and runs no block (nor <see cref="HostBlocks{TState}.Input"/>).</item>
/// <item><see cref="CacheLevel.Module"/>: a full step runs every block, recording its branch outputs;
/// a forecast step starts from the stack's input and lets each block add its gated forecasts.</item>
/// <item><see cref="CacheLevel.Block"/>: a full step records each block's residual; a forecast step
/// adds the forecast residuals. With trailing blocks (<see cref="Schedules.ICacheSchedule.TrailingBlocks"/>,
/// DBCache's Bn) the residuals of the host's context stream are cached too, and the trailing blocks run
/// on every step.</item>
/// </list>
/// With a residual signal (First-Block Cache, DBCache, <c>adaptive</c>) the first blocks run on every
/// step and are not cached; with TeaCache's the first block's modulated input is measured before the
/// decision (docs/indicators.md). On a shadow step the
/// blocks also run for real from the same input, each forecast is compared with the real output, and
/// the generation still gets exactly what it would without shadowing.
/// </summary>
public static class CachingRunner
{
    /// <summary>Runs <paramref name="stack"/>; returns the cached stream after the last block. A null <paramref name="forward"/> runs everything.</summary>
    public static Tensor Run<TState>(HostBlocks<TState> stack, CacheForward? forward)
    {
        ArgumentNullException.ThrowIfNull(stack);
        using var scope = NewDisposeScope();
        var result = forward is null
            ? stack.HiddenOf(RunBlocks(stack, stack.Begin(stack.Input()), 0, static (_, _) => NoBranchOutputs.Instance))
            : new CachedCall<TState>(stack, forward).Run();
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Runs blocks that pass a single tensor along (input <paramref name="x"/>, left unchanged).</summary>
    public static Tensor Run(IReadOnlyList<ICacheableBlock<Tensor>> blocks, Tensor x, CacheForward? forward)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Run(new HostBlocks<Tensor>(blocks, () => x, static h => h, static h => h, RunnerOwnsInput: false), forward);
    }

    internal static TState RunBlocks<TState>(HostBlocks<TState> stack, TState state, int first, Func<int, TState, IBranchOutputs> outputs)
    {
        for (var i = first; i < stack.Blocks.Count; i++)
        {
            state = stack.Blocks[i].Forward(state, outputs(i, state));
        }

        return state;
    }
}
