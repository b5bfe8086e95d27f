using LesaHiCache.Caching.Schedules;
using LesaHiCache.Cli;
using LesaHiCache.Shapes.Model;

namespace LesaHiCache.Tests.Cli;

/// <summary>Expected failures of the tool: one line on stderr naming the thing, found before any long work, with the documented exit code.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("lesa-cli-");

    public void Dispose() => scratch.Delete(recursive: true);

    /// <summary>Runs the tool; returns the exit code and the lines written to stderr.</summary>
    private static (int Exit, string[] Lines) Run(params string[] args)
    {
        using var stderr = new StringWriter();
        var exit = CliApp.Run(args, stderr);
        return (exit, stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string OneUsageError(params string[] args)
    {
        var (exit, lines) = Run(args);
        Assert.Equal(ExitCodes.Usage, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        return line;
    }

    [Fact]
    public void AModelFolderThatDoesNotExist_IsNamed()
    {
        Assert.Contains("--model: there is no folder '/nonexistent/model'", OneUsageError("evaluate", "--model", "/nonexistent/model"), StringComparison.Ordinal);
        Assert.Contains("model-card FOLDER: there is no folder '/nonexistent/model'", OneUsageError("model-card", "/nonexistent/model"), StringComparison.Ordinal);
        Assert.Contains("--model: there is no folder", OneUsageError("train-lesa", "--model", "/nonexistent/model", "--output", Path.Combine(scratch.FullName, "p.safetensors")), StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderThatIsNotAShapesModel_SaysWhatIsMissing()
    {
        File.WriteAllText(Path.Combine(scratch.FullName, "config.json"), "{}");
        var line = OneUsageError("evaluate", "--model", scratch.FullName);
        Assert.Contains("is not a shapes model folder: it has no tokenizer.json", line, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputsThatCannotBeWritten_AreRefusedBeforeTheEvaluationRuns()
    {
        var file = Path.Combine(scratch.FullName, "a-file");
        File.WriteAllText(file, "");
        Assert.Contains($"--json: cannot write '{file}/report.json': '{file}' is a file, not a folder.", OneUsageError("evaluate", "--json", Path.Combine(file, "report.json")), StringComparison.Ordinal);
        Assert.Contains("--plot: ", OneUsageError("evaluate", "--plot", Path.Combine(file, "deeper", "plot.png")), StringComparison.Ordinal);
        Assert.Contains($"--markdown: '{scratch.FullName}' is a folder; give a file name.", OneUsageError("evaluate", "--markdown", scratch.FullName), StringComparison.Ordinal);
        Assert.Contains("--save-images: ", OneUsageError("evaluate", "--save-images", Path.Combine(file, "images")), StringComparison.Ordinal);
        Assert.Contains("--output: ", OneUsageError("train-model", "--output", Path.Combine(file, "model")), StringComparison.Ordinal);
        Assert.Equal([file], Directory.GetFileSystemEntries(scratch.FullName)); // the checks create nothing
    }

    [Theory]
    [InlineData("Schedule 'interval:0:3': N must be an integer >= 1, got '0'.", "evaluate", "--schedules", "interval:0:3")]
    [InlineData("Schedule 'mask:': steps must be integers >= 0, got ''.", "evaluate", "--schedules", "mask:")]
    [InlineData("Method 'taylorseer:order=99': order must be an integer >= 0 and <= 8, got '99'.", "evaluate", "--methods", "taylorseer:order=99")]
    [InlineData("--level is module, model or block, not 'deep'.", "evaluate", "--level", "deep")]
    [InlineData("--steps must be at least 1, not 0.", "evaluate", "--steps", "0")]
    [InlineData("--device: 'tpu' is not a device; use cpu or cuda.", "train-model", "--output", "/tmp/unused-lesa-model", "--device", "tpu")]
    [InlineData("--batch must be at least 1, not 0.", "train-model", "--output", "/tmp/unused-lesa-model", "--batch", "0")]
    [InlineData("--width must be a positive multiple of the heads' 64 channels, got 100.", "train-model", "--output", "/tmp/unused-lesa-model", "--video", "--width", "100")]
    [InlineData("--width sets the video transformer's width: it needs --video.", "train-model", "--output", "/tmp/unused-lesa-model", "--width", "128")]
    [InlineData("--text-tokens segments sets the video model's text side: it needs --video.", "train-model", "--output", "/tmp/unused-lesa-model", "--text-tokens", "segments")]
    [InlineData("--text-tokens must be all or segments, got 'words'.", "train-model", "--output", "/tmp/unused-lesa-model", "--video", "--text-tokens", "words")]
    [InlineData("--schedule: Unknown schedule 'weekly'.", "train-lesa", "--output", "/tmp/unused-lesa.safetensors", "--schedule", "weekly")]
    [InlineData("--generations must be at least 1 and --faults in [0, 1].", "soak", "--faults", "2")]
    public void BadOptionValues_AreOneLineNamingTheOption(string expected, params string[] args) =>
        Assert.Contains(expected, OneUsageError(args), StringComparison.Ordinal);

    [Fact]
    public void ParseErrors_PointToTheCommandsHelp_WithExitCode2()
    {
        var (exit, lines) = Run("evaluate", "--bogus");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("error: Unrecognized command or argument '--bogus' (see 'lesa-hicache evaluate --help').", Assert.Single(lines));
    }

    [Fact]
    public void AFailureWhileRunning_IsOneLineWithExitCode1_AndVerboseAddsTheStackTrace()
    {
        // A model folder whose transformer weights are cut short: found when loading, after the checks.
        CopyFolder(ShapesModel.BundledFolder, scratch.FullName);
        var weights = Directory.GetFiles(Path.Combine(scratch.FullName, "transformer"), "*.safetensors").Single();
        using (var stream = new FileStream(weights, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var (exit, lines) = Run("model-card", scratch.FullName);
        Assert.Equal(ExitCodes.Failure, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(weights), line, StringComparison.Ordinal);

        var (verboseExit, verboseLines) = Run("model-card", scratch.FullName, "--verbose");
        Assert.Equal(ExitCodes.Failure, verboseExit);
        Assert.Contains(verboseLines, l => l.StartsWith("at LesaHiCache.", StringComparison.Ordinal));
    }

    [Fact]
    public void SearchScheduleOptions_AreCheckedBeforeAnyRecording()
    {
        var output = Path.Combine(scratch.FullName, "s.json");
        Assert.Contains("--budget", OneUsageError("search-schedule", "--budget", "0", "--output", output), StringComparison.Ordinal);
        Assert.Contains("--budget 60 is more full steps than the 50 sampler steps", OneUsageError("search-schedule", "--budget", "60", "--output", output), StringComparison.Ordinal);
        Assert.Contains("'none' is not a training-free forecaster", OneUsageError("search-schedule", "--budget", "5", "--method", "none", "--output", output), StringComparison.Ordinal);
        Assert.Contains("'lesa' is not a training-free forecaster", OneUsageError("search-schedule", "--budget", "5", "--method", "lesa", "--output", output), StringComparison.Ordinal);
        Assert.Equal("error: --level is module, model or block, not 'deep'.", OneUsageError("search-schedule", "--budget", "5", "--level", "deep", "--output", output));
        Assert.Contains("--moves: 'x' is not a positive step count", OneUsageError("search-schedule", "--budget", "5", "--moves", "1,x", "--output", output), StringComparison.Ordinal);
        Assert.Contains("there are 25", OneUsageError("search-schedule", "--budget", "5", "--search-episodes", "24", "--output", output), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.FullName)); // nothing recorded, nothing written
    }

    [Fact]
    public void AScheduleFile_ThatIsMissingOrForAnotherModel_IsRefusedBeforeAnyGeneration()
    {
        var missing = Path.Combine(scratch.FullName, "missing.json");
        Assert.Contains($"'{missing}' does not exist", OneUsageError("evaluate", "--schedules", $"file:{missing}"), StringComparison.Ordinal);

        var other = Path.Combine(scratch.FullName, "other.json");
        var times = new LesaHiCache.Sampling.FlowMatchSchedule(50, new ShapesGenerationOptions().Shift, ShapesModel.TokensPerSide * ShapesModel.TokensPerSide).Times;
        ScheduleFile.Save(new SearchedSchedule(new SearchedScheduleInfo([0, 11, 26, 39, 47], times, "sha256:another", "another model", "fora", LesaHiCache.Caching.CacheLevel.Model, "hand-made")), other);
        var previous = Console.Error;
        using var stderr = new StringWriter();
        Console.SetError(stderr);
        try
        {
            Assert.Equal(ExitCodes.Usage, Run("evaluate", "--prompts", "1", "--batch", "1", "--methods", "none,fora", "--schedules", $"file:{other}").Exit);
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Contains($"The schedule in '{other}' was searched on another model (fingerprint sha256:another)", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CalibrateOptions_AndMissingCalibrations_AreCheckedBeforeAnyGeneration()
    {
        var output = Path.Combine(scratch.FullName, "c.json");
        Assert.Contains("--indicator: 'tea' is not teacache or magcache", OneUsageError("calibrate", "--indicator", "tea", "--output", output), StringComparison.Ordinal);
        Assert.Contains("names one file; --indicator asks for 2 calibrations", OneUsageError("calibrate", "--indicator", "teacache,magcache", "--output", output), StringComparison.Ordinal);
        Assert.Contains("--steps", OneUsageError("calibrate", "--indicator", "magcache", "--steps", "5", "--output", output), StringComparison.Ordinal);
        Assert.Contains("--model: there is no folder", OneUsageError("calibrate", "--indicator", "teacache", "--model", "/nonexistent/model"), StringComparison.Ordinal);

        // A model folder without calibration/: evaluate names the file it looked for and the command that makes it.
        var model = Directory.CreateDirectory(Path.Combine(scratch.FullName, "model"));
        foreach (var entry in new[] { "transformer", "text_encoder" })
        {
            var target = Directory.CreateDirectory(Path.Combine(model.FullName, entry));
            foreach (var file in Directory.GetFiles(Path.Combine(ShapesModel.BundledFolder, entry)))
            {
                File.Copy(file, Path.Combine(target.FullName, Path.GetFileName(file)));
            }
        }

        File.Copy(Path.Combine(ShapesModel.BundledFolder, "tokenizer.json"), Path.Combine(model.FullName, "tokenizer.json"));
        var teacache = OneUsageError("evaluate", "--model", model.FullName, "--schedules", "teacache:0.3");
        Assert.Contains($"the model has no teacache calibration ('{Path.Combine(model.FullName, "calibration", "teacache.json")}')", teacache, StringComparison.Ordinal);
        Assert.Contains("lesa-hicache calibrate --indicator teacache", teacache, StringComparison.Ordinal);
        var missing = Path.Combine(scratch.FullName, "missing.json");
        Assert.Contains($"'{missing}' does not exist", OneUsageError("evaluate", "--schedules", $"magcache:0.2:5:0.1:{missing}"), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void AnUnexpectedException_SaysSo_AndPointsToVerbose()
    {
        using var stderr = new StringWriter();
        Assert.Equal(ExitCodes.Failure, CliFailure.Report(new InvalidOperationException("two\nlines"), verbose: false, stderr));
        Assert.Equal("error: unexpected InvalidOperationException: two lines (run with --verbose for the stack trace)", stderr.ToString().Trim());
        using var cancelled = new StringWriter();
        Assert.Equal(ExitCodes.Stopped, CliFailure.Report(new OperationCanceledException(), verbose: false, cancelled));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}lesa{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
