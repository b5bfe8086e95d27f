using LesaHiCache.Models.Flux;

namespace LesaHiCache.Tests;

/// <summary>Small configs and fixture paths shared by tests.</summary>
internal static class TestConfigs
{
    /// <summary>A FLUX-architecture config small enough to run in milliseconds.</summary>
    public static FluxTransformerConfig Tiny(bool guidance = false, int layers = 1, int singleLayers = 1) => new()
    {
        InChannels = 8,
        NumLayers = layers,
        NumSingleLayers = singleLayers,
        AttentionHeadDim = 8,
        NumAttentionHeads = 2,
        JointAttentionDim = 12,
        PooledProjectionDim = 6,
        GuidanceEmbeds = guidance,
        AxesDimsRope = [2, 2, 4],
    };

    /// <summary>The public FLUX.1 transformer configs copied next to the test assembly.</summary>
    public static string FixturesFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures");
}
