using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Models;

/// <summary>The <c>FromPretrained</c> / <c>SavePretrained</c> of a diffusers <c>transformer/</c> folder, for every host model.</summary>
internal static class PretrainedWeights
{
    /// <summary>Builds the model uninitialised (<paramref name="build"/>), fills it from <paramref name="folder"/> and returns it in eval mode; disposes it when loading fails.</summary>
    public static TModel Load<TModel>(string folder, Func<TModel> build, WeightsLoadOptions? options)
        where TModel : nn.Module
    {
        ArgumentNullException.ThrowIfNull(build);
        var model = build();
        try
        {
            WeightsLoader.Load(model, folder, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        model.eval();
        return model;
    }

    /// <summary>Writes config.json and the weights (diffusers layout) into <paramref name="folder"/>.</summary>
    public static WeightsSaveResult Save(nn.Module model, string folder, string configJson, WeightsSaveOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson);
        return WeightsSaver.Save(model, folder, options);
    }
}
