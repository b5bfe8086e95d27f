using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;

namespace LesaHiCache.Tests.Placement;

public sealed class ScheduleFileTests : IDisposable
{
    private static readonly IReadOnlyList<double> Times = new FlowMatchSchedule(20, TimestepShift.FluxDynamic, 64).Times;
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("lesa-schedule-");

    public void Dispose() => folder.Delete(recursive: true);

    private static SearchedScheduleInfo Info(int[]? fullSteps = null, string fingerprint = "fp-1") =>
        new(fullSteps ?? [0, 1, 5, 11, 17], Times, fingerprint, "tiny", "taylorseer:order=2", CacheLevel.Model, "hand-made");

    private string PathOf(string name) => Path.Combine(folder.FullName, name);

    [Fact]
    public void SavedSchedule_LoadsWithItsFullStepsAndProvenance_AndParsesAsFileSpec()
    {
        var path = PathOf("searched.json");
        ScheduleFile.Save(new SearchedSchedule(Info()), path);
        var loaded = ScheduleFile.Load(path);
        Assert.Equal([0, 1, 5, 11, 17], loaded.Info.FullSteps);
        Assert.Equal(Times, loaded.Info.Times);
        Assert.Equal(("fp-1", "tiny", "taylorseer:order=2", CacheLevel.Model, "hand-made"), (loaded.Info.ModelFingerprint, loaded.Info.ModelName, loaded.Info.Method, loaded.Info.Level, loaded.Info.Search));
        Assert.Equal([0, 1, 5, 11, 17], PlannedSchedule.FullStepsOf(loaded, Times));
        Assert.Equal(path, loaded.Source);

        var spec = ScheduleSpec.Parse($"file:{path}");
        Assert.Equal([0, 1, 5, 11, 17], PlannedSchedule.FullStepsOf(spec.Schedule, Times));
        Assert.Contains("no-such.json", Assert.Throws<FormatException>(() => ScheduleSpec.Parse($"file:{PathOf("no-such.json")}")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathsWithColons_AreKeptWhole()
    {
        var path = PathOf("a:b.json");
        ScheduleFile.Save(new SearchedSchedule(Info()), path);
        Assert.Equal(path, ((SearchedSchedule)ScheduleSpec.Parse($"file:{path}").Schedule).Source);
    }

    [Fact]
    public void AnotherStepCountShiftOrModel_IsRefusedBeforeTheFirstStep()
    {
        var schedule = new SearchedSchedule(Info());
        using var session = new CacheSession(new CacheConfig { Level = CacheLevel.Model, Forecaster = () => new TaylorSeer(2), Schedule = schedule });
        session.BeginGeneration(Times, 1, CfgLayout.None, ModelIdentity.FromFingerprint("fp-1"));

        var steps = Assert.Throws<ScheduleMismatchException>(() => session.BeginGeneration(new FlowMatchSchedule(30, TimestepShift.FluxDynamic, 64).Times, 1, CfgLayout.None, ModelIdentity.FromFingerprint("fp-1")));
        Assert.Contains("20 sampler steps; this generation has 30", steps.Message, StringComparison.Ordinal);
        var shift = Assert.Throws<ScheduleMismatchException>(() => session.BeginGeneration(new FlowMatchSchedule(20, TimestepShift.None, 64).Times, 1, CfgLayout.None, ModelIdentity.FromFingerprint("fp-1")));
        Assert.Contains("other sampler times", shift.Message, StringComparison.Ordinal);
        var model = Assert.Throws<ScheduleMismatchException>(() => session.BeginGeneration(Times, 1, CfgLayout.None, ModelIdentity.FromFingerprint("fp-2")));
        Assert.Contains("searched on tiny (fingerprint fp-1)", model.Message, StringComparison.Ordinal);
        Assert.Throws<ScheduleMismatchException>(() => session.BeginGeneration(Times, 1, CfgLayout.None));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("null", "is empty")]
    [InlineData("""{"format":"something-else","version":1}""", "not a schedule file")]
    [InlineData("""{"format":"lesa-hicache-schedule","version":2}""", "version 2")]
    [InlineData("""{"format":"lesa-hicache-schedule","version":1,"steps":2,"times":[1,0.5,0],"modelFingerprint":"f","method":"fora"}""", "lacks fullSteps")]
    [InlineData("""{"format":"lesa-hicache-schedule","version":1,"fullSteps":[0,1],"steps":3,"times":[1,0.5,0],"modelFingerprint":"f","method":"fora","level":"model"}""", "steps is 3")]
    [InlineData("""{"format":"lesa-hicache-schedule","version":1,"fullSteps":[0,2,1],"steps":3,"times":[1,0.6,0.3,0],"modelFingerprint":"f","method":"fora","level":"model"}""", "ascending")]
    [InlineData("""{"format":"lesa-hicache-schedule","version":1,"fullSteps":[1,2],"steps":3,"times":[1,0.6,0.3,0],"modelFingerprint":"f","method":"fora","level":"model"}""", "step 0")]
    [InlineData("""{"format":"lesa-hicache-schedule","version":1,"fullSteps":[0,3],"steps":3,"times":[1,0.6,0.3,0],"modelFingerprint":"f","method":"fora","level":"model"}""", "below the step count 3")]
    [InlineData("""{"format":"lesa-hicache-schedule","version":1,"fullSteps":[0,1],"steps":3,"times":[1,0.6,0.3,0],"modelFingerprint":"f","method":"fora","level":"sideways"}""", "not valid JSON")]
    [InlineData("""{"format":"lesa-hicache-schedule","version":1,"fullSteps":[0,1],"steps":3,"times":[1,0.6,2,0],"modelFingerprint":"f","method":"fora","level":"model"}""", "in [0, 1]")]
    public void MalformedFiles_FailNamingTheFileAndTheProblem(string json, string problem)
    {
        var path = PathOf("bad.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<FormatException>(() => ScheduleFile.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedFiles_AreRefusedBeforeReading()
    {
        var path = PathOf("huge.json");
        using (var stream = File.Create(path))
        {
            stream.SetLength(ScheduleFile.MaxBytes + 1);
        }

        Assert.Contains("at most", Assert.Throws<FormatException>(() => ScheduleFile.Load(path)).Message, StringComparison.Ordinal);
    }
}
