using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Lesa;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

public class CacheMethodsTests
{
    [Fact]
    public void EveryForecasterWithAFactory_ParsesByName_AndMakesItsType()
    {
        foreach (var entry in CacheMethods.Forecasters.Where(e => e.Create is not null))
        {
            var spec = MethodSpec.Parse(entry.Name);
            using var forecaster = spec.Forecaster!();
            Assert.IsType(entry.ForecasterType!, forecaster);
            Assert.Same(entry, CacheMethods.EntryOf(forecaster));
        }
    }

    [Fact]
    public void TheHelpText_NamesEveryMethodScheduleAndOption()
    {
        var forecasters = CacheMethods.ForecasterHelp();
        var schedules = CacheMethods.ScheduleHelp();
        Assert.All(CacheMethods.Forecasters, e => Assert.Contains(e.Syntax, forecasters, StringComparison.Ordinal));
        Assert.All(CacheMethods.Forecasters.SelectMany(e => e.Options), o => Assert.Contains($"    {o.Name}: ", forecasters, StringComparison.Ordinal));
        Assert.All(CacheMethods.Schedules, e => Assert.Contains(e.Syntax, schedules, StringComparison.Ordinal));
        Assert.Contains("interval:N[:W[:T]]", schedules, StringComparison.Ordinal);
        Assert.Contains("hicache[:order=ORDER][:sigma=SIGMA]", forecasters, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePresets_AreTheScheduleObjectsOfSchedulePresets()
    {
        foreach (var (name, preset) in SchedulePresets.ByName)
        {
            Assert.Same(preset, ScheduleSpec.Parse(name).Schedule);
        }
    }

    [Theory]
    [InlineData("mask:", "Schedule 'mask:': steps must be integers")]
    [InlineData("interval:0:3", "Schedule 'interval:0:3': N must be an integer >= 1, got '0'.")]
    [InlineData("adaptive:0", "threshold must be a number > 0")]
    [InlineData("budget", "budget takes budget:B, got 0 parameter(s)")]
    [InlineData("mask:1;2", "step 0")]
    public void BadSchedules_AreOneLineErrorsNamingTheScheduleAndTheParameter(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ScheduleSpec.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Levels_ParseFromTheRegistry()
    {
        Assert.Equal(CacheLevel.Block, MethodSpec.Parse("fora:level=block").Level);
        Assert.Equal(CacheLevel.Model, MethodSpec.Parse("lesa", CacheLevel.Module).Level); // LESA's only level
        Assert.Contains("module, model or block", Assert.Throws<FormatException>(() => MethodSpec.Parse("fora:level=2")).Message, StringComparison.Ordinal);
    }

    private sealed class UserForecaster : IFeatureForecaster
    {
        public string Name => "user";

        public long StateBytes => 0;

        public int ItemCount => 0;

        public void Observe(CacheItemKey item, Tensor features, StepPosition position)
        {
        }

        public Tensor Forecast(CacheItemKey item, StepPosition position) => throw new InvalidOperationException();

        public void Reset()
        {
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void AForecasterTheRegistryDoesNotList_WorksAtEveryLevel()
    {
        foreach (var level in Enum.GetValues<CacheLevel>())
        {
            CacheMethods.EnsureSupported(level, new UserForecaster(), new AdaptiveSchedule(0.1));
        }

        Assert.Null(CacheMethods.EntryOf(new UserForecaster()));
        Assert.Equal([LesaForecaster.Level], CacheMethods.FindForecaster("LESA")!.Levels);
    }
}
