using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Models;

/// <summary>Counts the forward calls of a model's linear layers whose names end with given suffixes (forward hooks, removed on dispose).</summary>
internal sealed class ProjectionCounter : IDisposable
{
    private readonly Dictionary<string, int> counts = [];
    private readonly List<Action> removers;

    public ProjectionCounter(nn.Module model, params string[] suffixes)
    {
        removers = model.named_modules()
            .Where(m => suffixes.Any(s => m.name.EndsWith(s, StringComparison.Ordinal)))
            .Select(m =>
            {
                counts[m.name] = 0;
                var hook = ((LinearLayer)m.module).register_forward_hook((module, input, output) =>
                {
                    counts[m.name]++;
                    return output;
                });
                return (Action)hook.remove;
            })
            .ToList();
    }

    /// <summary>Calls per layer name since the last <see cref="Reset"/>.</summary>
    public IReadOnlyDictionary<string, int> Counts => counts;

    public void Reset()
    {
        foreach (var name in counts.Keys.ToList())
        {
            counts[name] = 0;
        }
    }

    public void Dispose() => removers.ForEach(remove => remove());
}
