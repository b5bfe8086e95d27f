using LesaHiCache.Layers;
using LesaHiCache.Models;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Video;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Video;

public class ShapesTaskModelsTests
{
    [Fact]
    public void Load_PicksTheModelTypeThatTheConfigNames()
    {
        var folder = Directory.CreateTempSubdirectory("shapes-task-models-");
        try
        {
            manual_seed(2);
            var video = Path.Combine(folder.FullName, "video");
            using (var model = ShapesVideoModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesVideoModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 }))
            {
                model.Save(video);
            }

            using (var loaded = ShapesTaskModels.Load(video))
            {
                Assert.IsType<ShapesVideoModel>(loaded);
                Assert.Equal(("shapes-video", "clip", 8, 64), (loaded.Name, loaded.ItemName, loaded.Frames, loaded.SequenceTokens));
            }

            using (var image = ShapesTaskModels.Load(ShapesModel.BundledFolder))
            {
                Assert.IsType<ShapesModel>(image);
                Assert.Equal(("shapes-flux", "image", 1), (image.Name, image.ItemName, image.Frames));
            }

            var config = Path.Combine(video, "transformer", "config.json");
            File.WriteAllText(config, File.ReadAllText(config).Replace("HunyuanVideoTransformer3DModel", "WanTransformer3DModel", StringComparison.Ordinal));
            var error = Assert.Throws<FormatException>(() => ShapesTaskModels.Load(video));
            Assert.Contains(config, error.Message, StringComparison.Ordinal);
            Assert.Contains("'WanTransformer3DModel'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void DiffusersClassName_ReadsTheClassName_OrNullWhenTheFileDoesNotSay()
    {
        var folder = Directory.CreateTempSubdirectory("class-name-");
        try
        {
            string Write(string name, string text)
            {
                var path = Path.Combine(folder.FullName, name);
                File.WriteAllText(path, text);
                return path;
            }

            Assert.Equal("FluxTransformer2DModel", DiffusersClassName.Of(Write("a.json", """{"_class_name": "FluxTransformer2DModel", "num_layers": 2}""")));
            Assert.Null(DiffusersClassName.Of(Write("b.json", """{"num_layers": 2}""")));
            Assert.Null(DiffusersClassName.Of(Write("c.json", """{"_class_name": 3}""")));
            Assert.Null(DiffusersClassName.Of(Write("d.json", """["_class_name"]""")));
            Assert.Null(DiffusersClassName.Of(Write("e.json", "not json {")));
            Assert.Null(DiffusersClassName.Of(Path.Combine(folder.FullName, "missing.json")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void AsFrames_PutsEachClipsFramesInOrder_AndLeavesImagesAsTheyAre()
    {
        using var clips = arange(2 * 3 * 4 * 5 * 6, ScalarType.Float32).view(2, 3, 4, 5, 6);
        using var frames = ShapesTaskModels.AsFrames(clips);
        Assert.Equal([8L, 3, 5, 6], frames.shape);
        for (var b = 0; b < 2; b++)
        {
            for (var f = 0; f < 4; f++)
            {
                using var expected = clips[b].select(1, f);
                using var actual = frames[(b * 4) + f];
                Assert.True(actual.eq(expected).all().item<bool>());
            }
        }

        using var images = zeros(2, 3, 5, 6);
        using var same = ShapesTaskModels.AsFrames(images);
        Assert.Equal(images.shape, same.shape);
        using var wrong = zeros(3, 5, 6);
        Assert.Throws<ArgumentException>(() => ShapesTaskModels.AsFrames(wrong));
    }

    [Fact]
    public void TakeExcept_SkipsTheExcludedPrompts_InGrammarOrder()
    {
        using var model = ShapesVideoModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesVideoModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 });
        var first = model.Prompts(9).Take(6).ToList();
        var chosen = model.TakeExcept(9, 4, new HashSet<string> { first[0], first[2] });
        Assert.Equal([first[1], first[3], first[4], first[5]], chosen);
    }

    [Fact]
    public void AVideoModelWithSegmentTokensOnly_SavesLoadsAndGeneratesTheSameClips()
    {
        var folder = Directory.CreateTempSubdirectory("shapes-video-segments-");
        try
        {
            manual_seed(3);
            const string Prompt = "a large red circle moving from the top left to the bottom right on a white background";
            var options = new ShapesGenerationOptions { Steps = 3 };
            using var model = ShapesVideoModel.Create(new ModuleBuild(CPU, ScalarType.Float32), ShapesVideoModel.DefaultTransformerConfig with { NumLayers = 1, NumSingleLayers = 1 }, segmentTokensOnly: true);
            Assert.Equal(3, model.TextTokens);
            using (NewDisposeScope())
            {
                Assert.Equal([1, 3, model.TextEncoder.Config.HiddenSize], model.Encode([Prompt]).Tokens.shape);
            }

            using var clips = model.Generate([Prompt], [4], options);
            model.Save(folder.FullName);
            using var loaded = ShapesVideoModel.Load(folder.FullName);
            Assert.True(loaded.TextEncoder.Config.SegmentTokensOnly);
            using var again = loaded.Generate([Prompt], [4], options);
            Assert.True(again.eq(clips).all().item<bool>());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
