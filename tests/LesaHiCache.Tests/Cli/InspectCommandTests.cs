using LesaHiCache.Cli;

namespace LesaHiCache.Tests.Cli;

public class InspectCommandTests
{
    [Theory]
    [InlineData("flux1-dev.transformer.config.json", "11,901,408,320", "guidance embedding: yes")]
    [InlineData("flux1-schnell.transformer.config.json", "11,891,178,560", "guidance embedding: no")]
    public void Inspect_PrintsTheExactCountOfTheFixtureConfigs(string file, string total, string guidance)
    {
        using var output = new StringWriter();
        var exit = InspectCommand.Run(Path.Combine(TestConfigs.FixturesFolder, file), output);
        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Matches(@"total\s+" + System.Text.RegularExpressions.Regex.Escape(total), text);
        Assert.Contains("19 double-stream + 38 single-stream", text, StringComparison.Ordinal);
        Assert.Contains(guidance, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_RecognisesAQwenImageConfig_ByItsClassName()
    {
        using var output = new StringWriter();
        Assert.Equal(0, InspectCommand.Run(Path.Combine(TestConfigs.FixturesFolder, "qwen-image.transformer.config.json"), output));
        var text = output.ToString();
        Assert.Contains("Qwen-Image transformer (QwenImageTransformer2DModel)", text, StringComparison.Ordinal);
        Assert.Contains("60 dual-stream", text, StringComparison.Ordinal);
        Assert.Matches(@"total\s+20,430,401,088", text);
    }

    [Fact]
    public void Inspect_RecognisesAHunyuanVideoConfig()
    {
        using var output = new StringWriter();
        Assert.Equal(0, InspectCommand.Run(Path.Combine(TestConfigs.FixturesFolder, "hunyuanvideo.transformer.config.json"), output));
        var text = output.ToString();
        Assert.Contains("20 dual-stream + 40 single-stream; text refiner: 2 blocks", text, StringComparison.Ordinal);
        Assert.Matches(@"total\s+12,821,012,544", text);
    }

    [Fact]
    public void Inspect_RecognisesAWanConfig()
    {
        using var output = new StringWriter();
        Assert.Equal(0, InspectCommand.Run(Path.Combine(TestConfigs.FixturesFolder, "wan2.1-t2v-1.3b.transformer.config.json"), output));
        var text = output.ToString();
        Assert.Contains("Wan transformer (WanTransformer3DModel)", text, StringComparison.Ordinal);
        Assert.Matches(@"total\s+1,418,996,800", text);
    }

    [Fact]
    public void Inspect_WithASize_PrintsTheCacheMemoryOfAGeneration()
    {
        using var output = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CliApp.Run(["inspect", Path.Combine(TestConfigs.FixturesFolder, "flux1-dev.transformer.config.json"), "--height", "1024", "--width", "1024"], stderr);
        Assert.Equal(0, exit);
        Assert.Equal(0, InspectCommand.Run(Path.Combine(TestConfigs.FixturesFolder, "flux1-dev.transformer.config.json"), output, new MemoryQuery(1024, 1024, 1, 1, null)));
        var text = output.ToString();
        // Module level: 19 x 2 + 38 items of [1, 4096, 3072] float32; FORA keeps one copy (3.56 GiB), TaylorSeer 2 three.
        Assert.Matches(@"module\s+76\s+3\.56 GiB\s+7\.12 GiB\s+10\.69 GiB", text);
        Assert.Matches(@"model\s+1\s+48\.0 MiB", text);
        Assert.Contains("must be a multiple of 16", RunError("inspect", Path.Combine(TestConfigs.FixturesFolder, "flux1-dev.transformer.config.json"), "--height", "1000", "--width", "1024"), StringComparison.Ordinal);
        Assert.Contains("--height and --width go together", RunError("inspect", Path.Combine(TestConfigs.FixturesFolder, "flux1-dev.transformer.config.json"), "--height", "1024"), StringComparison.Ordinal);
    }

    private static string RunError(params string[] args)
    {
        using var stderr = new StringWriter();
        Assert.Equal(2, CliApp.Run(args, stderr));
        return stderr.ToString();
    }

    [Fact]
    public void Inspect_RefusesAClassItDoesNotKnow_NamingIt()
    {
        var folder = Directory.CreateTempSubdirectory("lesa-inspect-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "config.json"), """{"_class_name": "SD3Transformer2DModel"}""");
            using var stderr = new StringWriter();
            Assert.Equal(2, CliApp.Run(["inspect", folder.FullName], stderr));
            Assert.Contains("describes a SD3Transformer2DModel", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Inspect_AcceptsAModelFolder()
    {
        var folder = Directory.CreateTempSubdirectory("lesa-inspect-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "config.json"), TestConfigs.Tiny().ToJson());
            using var output = new StringWriter();
            Assert.Equal(0, InspectCommand.Run(folder.FullName, output));
            Assert.Contains("1 double-stream + 1 single-stream", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Inspect_MissingConfig_IsAUsageErrorOnOneLine()
    {
        using var stderr = new StringWriter();
        Assert.Equal(2, CliApp.Run(["inspect", "/nonexistent/config.json"], stderr));
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: inspect: ", line, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/config.json", line, StringComparison.Ordinal);
    }
}
