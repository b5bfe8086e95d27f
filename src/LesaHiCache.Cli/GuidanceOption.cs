using System.CommandLine;
using System.Globalization;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Video;

namespace LesaHiCache.Cli;

/// <summary><c>--guidance</c> of the commands that generate with a shapes model: absent, the model's own scale.</summary>
internal static class GuidanceOption
{
    public static Option<double?> Create() => new("--guidance")
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"CFG scale (default: the model's, chosen on validation prompts: {ShapesModel.GuidanceScale} for the image model, {ShapesVideoModel.GuidanceScale} for the video model)."),
    };
}
