using TorchSharp;

namespace LesaHiCache.Models;

/// <summary>Exact parameter counts of a module, per top-level child and in total (shape arithmetic only).</summary>
/// <param name="Children">(child name, parameter count) in registration order.</param>
/// <param name="Total">All parameters.</param>
public sealed record ParameterSummary(IReadOnlyList<(string Name, long Count)> Children, long Total)
{
    /// <summary>Counts the parameters of <paramref name="module"/>; works on the meta device.</summary>
    public static ParameterSummary Of(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var children = module.named_children()
            .Select(c => (c.name, c.module.parameters().Sum(p => p.numel())))
            .ToList();
        return new ParameterSummary(children, module.parameters().Sum(p => p.numel()));
    }
}
