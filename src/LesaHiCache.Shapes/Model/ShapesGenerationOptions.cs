using LesaHiCache.Caching;
using LesaHiCache.Sampling;

namespace LesaHiCache.Shapes.Model;

/// <summary>How <see cref="ShapesModel.Generate"/> samples.</summary>
public sealed record ShapesGenerationOptions
{
    /// <summary>Euler steps.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>
    /// Classifier-free guidance scale against the empty prompt (1 disables CFG). 1.5 scored best of
    /// 1, 1.5, 2, 3, 4, 6 on validation prompts (prompt seed 999, not an evaluation seed).
    /// </summary>
    public double GuidanceScale { get; init; } = 1.5;

    /// <summary>Time warp of the schedule.</summary>
    public TimestepShift Shift { get; init; } = TimestepShift.FluxDynamic;

    /// <summary>Feature caching (null: every step computes fully), e.g. <see cref="CacheConfig.Default"/>.</summary>
    public CacheConfig? Cache { get; init; }
}
