using LesaHiCache.Caching.Methods;
using LesaHiCache.Layers;
using LesaHiCache.Shapes.Evaluation;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Video;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Video;

public class VideoEvaluationTests
{
    [Fact]
    public void Evaluator_OnAVideoModel_AveragesFramePsnrPerClip_AndScoresClips()
    {
        manual_seed(5);
        using var model = ShapesVideoModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesVideoModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 });
        var options = new EvaluationOptions { Steps = 6, Prompts = 3, Batch = 2, Repeats = 1 };
        var batches = new List<GeneratedBatch>();
        var report = new Evaluator(model, options).Run(MethodSpec.ParseList("none,taylorseer"), ScheduleSpec.ParseList("interval:2:2"), onBatch: batches.Add);

        Assert.True(report.Complete);
        Assert.Equal(ShapesVideoModel.GuidanceScale, report.GuidanceScale); // no scale given: the video model's own
        var result = Assert.Single(report.Results);
        Assert.Equal(6.0 / 4, result.NfeSpeedup);

        // Saved items are strips of 8 frames; the reported PSNR is, per clip, the mean over its frames of
        // 10 log10(255^2 / MSE) of the 8-bit pixels, then the mean over clips: recomputed here from the bytes.
        Assert.All(batches, b => Assert.Equal((ClipLayout.FrameSize * ClipLayout.Frames, ClipLayout.FrameSize), (b.Width, b.Height)));
        var reference = batches.Where(b => b.Run == -1).OrderBy(b => b.FirstPrompt).SelectMany(b => b.Images).ToList();
        var cached = batches.Where(b => b.Run == 0).OrderBy(b => b.FirstPrompt).SelectMany(b => b.Images).ToList();
        Assert.Equal(3, reference.Count);
        Assert.Equal(3, cached.Count);
        var perClip = cached.Zip(reference, (a, r) => Enumerable.Range(0, ClipLayout.Frames).Average(f => FramePsnr(a, r, f))).ToList();
        Assert.Equal(perClip.Average(), result.PsnrDb, tolerance: 1e-6); // the evaluator divides 8-bit levels by 255 in float32

        var prompts = new ClipGrammar(options.PromptSeed).Take(3);
        var fidelity = cached.Select((strip, i) => ClipScorer.Score(Frames(strip), prompts[i]).Score).Average();
        Assert.Equal(fidelity, result.Fidelity, 12);
    }

    [Fact]
    public void GenerationWithoutAGuidanceScale_UsesTheModelsOwn_AndAFolderTellsItsKindsScale()
    {
        manual_seed(6);
        using var model = ShapesVideoModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesVideoModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 });
        string[] prompts = ["a small red circle moving from the top left to the bottom right on a white background"];
        using var unset = model.Generate(prompts, [3], new ShapesGenerationOptions { Steps = 3 });
        using var own = model.Generate(prompts, [3], new ShapesGenerationOptions { Steps = 3, GuidanceScale = ShapesVideoModel.GuidanceScale });
        using var image = model.Generate(prompts, [3], new ShapesGenerationOptions { Steps = 3, GuidanceScale = ShapesModel.GuidanceScale });
        Assert.True(unset.eq(own).all().item<bool>());
        Assert.False(unset.eq(image).all().item<bool>());
        Assert.NotEqual(ShapesModel.GuidanceScale, ShapesVideoModel.GuidanceScale);

        var folder = Directory.CreateTempSubdirectory("lesa-video-guidance").FullName;
        try
        {
            model.Save(folder);
            Assert.Equal(ShapesVideoModel.GuidanceScale, ShapesTaskModels.DefaultGuidanceScale(folder));
            Assert.Equal(ShapesModel.GuidanceScale, ShapesTaskModels.DefaultGuidanceScale(ShapesModel.BundledFolder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double FramePsnr(byte[] strip, byte[] reference, int frame)
    {
        var (side, width) = (ClipLayout.FrameSize, ClipLayout.FrameSize * ClipLayout.Frames);
        double squares = 0;
        for (var y = 0; y < side; y++)
        {
            for (var x = frame * side; x < (frame + 1) * side; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var i = (((y * width) + x) * 3) + c;
                    squares += Math.Pow(strip[i] - reference[i], 2);
                }
            }
        }

        var mse = squares / (side * side * 3);
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    private static List<byte[]> Frames(byte[] strip)
    {
        var (side, width) = (ClipLayout.FrameSize, ClipLayout.FrameSize * ClipLayout.Frames);
        return [.. Enumerable.Range(0, ClipLayout.Frames).Select(f =>
        {
            var frame = new byte[side * side * 3];
            for (var y = 0; y < side; y++)
            {
                Array.Copy(strip, ((y * width) + (f * side)) * 3, frame, y * side * 3, side * 3);
            }

            return frame;
        })];
    }
}
