using LesaHiCache.Caching;
using LesaHiCache.Sampling;

namespace LesaHiCache.Shapes.Model;

/// <summary>How <see cref="ShapesModel.Generate"/> samples.</summary>
public sealed record ShapesGenerationOptions
{
    /// <summary>Euler steps.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>
    /// Classifier-free guidance scale against the empty prompt (1 disables CFG); null (default): the
    /// model's own, <see cref="IShapesTaskModel.DefaultGuidanceScale"/>, chosen on validation prompts.
    /// </summary>
    public double? GuidanceScale { get; init; }

    /// <summary>The guidance scale these options sample <paramref name="model"/> with.</summary>
    public double GuidanceFor(IShapesTaskModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return GuidanceScale ?? model.DefaultGuidanceScale;
    }

    /// <summary>Time warp of the schedule.</summary>
    public TimestepShift Shift { get; init; } = TimestepShift.FluxDynamic;

    /// <summary>Feature caching (null: every step computes fully), e.g. <see cref="CacheConfig.Default"/>.</summary>
    public CacheConfig? Cache { get; init; }
}
