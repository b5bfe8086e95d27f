using System.Diagnostics;

namespace LesaHiCache.Shapes.Model;

/// <summary>Generates prompts in batches (prompt i with noise seed <c>noiseSeed + i</c>) and keeps each item's 8-bit frames.</summary>
internal static class BatchedGeneration
{
    public static (List<IReadOnlyList<byte[]>> Items, double SecondsPerItem) Run(IShapesTaskModel model, IReadOnlyList<string> prompts, long noiseSeed, ShapesGenerationOptions options, int batch, Action<int>? onItemsDone, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(prompts.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var items = new List<IReadOnlyList<byte[]>>();
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < prompts.Count; start += batch)
        {
            var chunk = prompts.Skip(start).Take(batch).ToList();
            var seeds = chunk.Select((_, i) => noiseSeed + start + i).ToList();
            using var generated = model.Generate(chunk, seeds, options, cancellation: cancellation);
            for (var i = 0; i < chunk.Count; i++)
            {
                using var item = generated[i];
                items.Add(model.ToRgbFrames(item));
            }

            onItemsDone?.Invoke(items.Count);
        }

        return (items, clock.Elapsed.TotalSeconds / prompts.Count);
    }
}
