namespace LesaHiCache.Sampling;

/// <summary>How the sampler combines the conditional and null velocities under classifier-free guidance.</summary>
public enum CfgCombination
{
    /// <summary>v = v_null + s (v_text - v_null).</summary>
    Plain,

    /// <summary>
    /// The plain combination rescaled, per token, to the conditional velocity's norm over channels:
    /// v * (|v_text| / |v|), as the Qwen-Image pipeline's true CFG does.
    /// </summary>
    KeepConditionalNorm,
}
