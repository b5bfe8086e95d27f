using LesaHiCache.Models.Flux;
using LesaHiCache.Models.HunyuanVideo;
using LesaHiCache.Shapes.Video;
using LesaHiCache.Models;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Model;

/// <summary>Opens a shapes task model folder of either kind, and draws its evaluation prompts.</summary>
public static class ShapesTaskModels
{
    /// <summary>Loads the image model (a FLUX transformer) or the video model (a HunyuanVideo transformer), whichever the folder's <c>transformer/config.json</c> names.</summary>
    public static IShapesTaskModel Load(string folder, Device? device = null) =>
        IsVideo(folder) ? ShapesVideoModel.Load(folder, device) : ShapesModel.Load(folder, device);

    /// <summary>The <see cref="IShapesTaskModel.DefaultGuidanceScale"/> of the folder's model kind, read from its config without loading weights.</summary>
    public static double DefaultGuidanceScale(string folder) => IsVideo(folder) ? ShapesVideoModel.GuidanceScale : ShapesModel.GuidanceScale;

    /// <summary>Whether the folder's <c>transformer/config.json</c> names the video model's class (else the image model's; any other class is a <see cref="FormatException"/>).</summary>
    private static bool IsVideo(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var config = Path.Combine(folder, "transformer", "config.json");
        var className = DiffusersClassName.Of(config);
        return className switch
        {
            null or FluxTransformerConfig.DiffusersClassName => false,
            HunyuanVideoTransformerConfig.DiffusersClassName => true,
            _ => throw new FormatException($"{config}: _class_name '{className}' is neither the image model's {FluxTransformerConfig.DiffusersClassName} nor the video model's {HunyuanVideoTransformerConfig.DiffusersClassName}."),
        };
    }

    /// <summary>The first <paramref name="count"/> prompts of <paramref name="seed"/>'s grammar sequence that are not in <paramref name="excluded"/>.</summary>
    public static IReadOnlyList<string> TakeExcept(this IShapesTaskModel model, int seed, int count, IReadOnlySet<string> excluded)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(excluded);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var chosen = new List<string>();
        var tries = 0;
        foreach (var prompt in model.Prompts(seed))
        {
            if (chosen.Count == count)
            {
                break;
            }

            if (++tries > (100 * count) + excluded.Count)
            {
                throw new InvalidOperationException($"Could not draw {count} prompts outside the {excluded.Count} excluded ones.");
            }

            if (!excluded.Contains(prompt))
            {
                chosen.Add(prompt);
            }
        }

        return chosen;
    }

    /// <summary>Generated items [B, 3, H, W] or [B, 3, F, H, W] as frames [B F, 3, H, W] (item-major).</summary>
    public static Tensor AsFrames(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.dim() switch
        {
            4 => items.alias(),
            5 => items.transpose(1, 2).reshape(-1, items.shape[1], items.shape[3], items.shape[4]),
            _ => throw new ArgumentException($"Items are [B, 3, H, W] or [B, 3, F, H, W], got [{string.Join(", ", items.shape)}].", nameof(items)),
        };
    }
}
