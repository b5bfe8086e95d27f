using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>Shape checks for a forward's inputs, with messages that name the offending tensor.</summary>
internal static class FluxInputValidator
{
    public static void Check(FluxTransformerConfig config, FluxTransformerInput input)
    {
        var axes = config.AxesDimsRope.Count;
        Expect(input.Image, "Image", 3, config.InChannels);
        var batch = input.Image.shape[0];
        var imageTokens = input.Image.shape[1];
        Expect(input.Text, "Text", 3, config.JointAttentionDim);
        Expect(input.Pooled, "Pooled", 2, config.PooledProjectionDim);
        Expect(input.ImageIds, "ImageIds", 2, axes);
        Expect(input.TextIds, "TextIds", 2, axes);
        SameBatch(input.Text, "Text", batch);
        SameBatch(input.Pooled, "Pooled", batch);
        if (input.Timestep.dim() != 1 || input.Timestep.shape[0] != batch)
        {
            throw new ArgumentException($"Timestep must be [{batch}], got {Shape(input.Timestep)}.");
        }

        if (input.ImageIds.shape[0] != imageTokens)
        {
            throw new ArgumentException($"ImageIds has {input.ImageIds.shape[0]} rows but Image has {imageTokens} tokens.");
        }

        if (input.TextIds.shape[0] != input.Text.shape[1])
        {
            throw new ArgumentException($"TextIds has {input.TextIds.shape[0]} rows but Text has {input.Text.shape[1]} tokens.");
        }

        if (input.Conditioning is { } conditioning && (conditioning.dim() != 2 || conditioning.shape[0] != batch || conditioning.shape[1] != config.InnerDim))
        {
            throw new ArgumentException($"Conditioning must be [{batch}, {config.InnerDim}], got {Shape(conditioning)}.");
        }

        CheckGuidance(config, input.Guidance, batch);
    }

    /// <summary>A guidance tensor [<paramref name="batch"/>] is required exactly when the config embeds one.</summary>
    public static void CheckGuidance(FluxTransformerConfig config, Tensor? guidance, long batch)
    {
        if (config.GuidanceEmbeds && (guidance is null || guidance.dim() != 1 || guidance.shape[0] != batch))
        {
            throw new ArgumentException($"This model embeds a guidance scale (guidance_embeds = true): pass Guidance as [{batch}].");
        }
    }

    private static void Expect(Tensor tensor, string name, int rank, long lastDim)
    {
        if (tensor is null)
        {
            throw new ArgumentNullException(name);
        }

        if (tensor.dim() != rank || tensor.shape[^1] != lastDim)
        {
            throw new ArgumentException($"{name} must have rank {rank} with last dimension {lastDim}, got {Shape(tensor)}.");
        }
    }

    private static void SameBatch(Tensor tensor, string name, long batch)
    {
        if (tensor.shape[0] != batch)
        {
            throw new ArgumentException($"{name} has batch {tensor.shape[0]} but Image has batch {batch}.");
        }
    }

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
