using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;

namespace LesaHiCache.Tests.Caching;

public class ScheduleTests
{
    private static IReadOnlyList<double> Times(int steps) => new FlowMatchSchedule(steps, TimestepShift.FluxDynamic, 64).Times;

    private static int[] Full(ICacheSchedule schedule, int steps = 50)
    {
        var planner = schedule.Begin(Times(steps));
        return Enumerable.Range(0, steps).Where(s => planner.IsFullStep(s)).ToArray();
    }

    [Theory]
    [InlineData("taylorseer-5x", new[] { 0, 1, 2, 8, 14, 20, 26, 32, 38, 44 })]
    [InlineData("taylorseer-6.25x", new[] { 0, 1, 2, 10, 18, 26, 34, 42 })]
    [InlineData("lesa-5x", new[] { 0, 1, 2, 3, 9, 16, 23, 30, 37, 44 })]
    [InlineData("lesa-6.25x", new[] { 0, 1, 2, 3, 12, 22, 32, 42 })]
    public void Presets_GiveThePapersFullSteps(string name, int[] expected) =>
        Assert.Equal(expected, Full(SchedulePresets.ByName[name]));

    [Fact]
    public void CounterRule_CountsFromTheLastWarmupStep_ForAnyStepCount()
    {
        // S = 20, N = 5, W = 2, step 7 forced: 0, 1 (warm-up), then 1 + 5m: 6, 11, 16; and 7.
        Assert.Equal([0, 1, 6, 7, 11, 16], Full(new CounterSchedule(5, warmup: 2, forced: [7]), steps: 20));
        // The reference's cal_type with N = 1: every step.
        Assert.Equal(Enumerable.Range(0, 30), Full(new CounterSchedule(1, warmup: 3), steps: 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterSchedule(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterSchedule(6, warmup: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterSchedule(6, forced: [-1]));
        Assert.Throws<ArgumentException>(() => Full(new CounterSchedule(6, forced: [60])));
    }

    [Theory]
    [InlineData("taylorseer-5x", 3)]
    [InlineData("lesa-5x", 4)]
    [InlineData("interval:7:3", 4)]
    [InlineData("mask:0;1;2;8;14;20;26;32;38;44", 3)]
    [InlineData("mask:0;2;5", 1)]
    [InlineData("adaptive:0.2", 3)]
    public void Warmup_IsTheRunOfFullStepsFromStepZero(string schedule, int warmup) =>
        Assert.Equal(warmup, ScheduleSpec.Parse(schedule).Schedule.Begin(Times(50)).WarmupSteps);

    [Fact]
    public void FixedInterval_W3_N7_Gives_TheTenHeadlineFullSteps() =>
        Assert.Equal([0, 1, 2, 3, 10, 17, 24, 31, 38, 45], Full(new FixedIntervalSchedule(7, warmup: 3)));

    [Fact]
    public void FixedInterval_W3_N10_GivesEightFullSteps() =>
        Assert.Equal([0, 1, 2, 3, 13, 23, 33, 43], Full(new FixedIntervalSchedule(10, warmup: 3)));

    [Fact]
    public void FixedInterval_Tail_AddsTheLastSteps() =>
        Assert.Equal([0, 1, 2, 3, 10, 17, 24, 31, 38, 45, 48, 49], Full(new FixedIntervalSchedule(7, warmup: 3, tail: 2)));

    [Fact]
    public void IntervalOne_IsEveryStep() =>
        Assert.Equal(Enumerable.Range(0, 50), Full(new FixedIntervalSchedule(1, warmup: 0)));

    [Theory]
    [InlineData(10)]
    [InlineData(8)]
    [InlineData(3)]
    public void Budget_PlacesExactlyThatManyFullSteps_WarmupFirst(int budget)
    {
        var full = Full(new BudgetSchedule(budget));
        Assert.Equal(budget, full.Length);
        Assert.Equal([0, 1, 2], full.Take(3));
        Assert.True(full.Zip(full.Skip(1)).All(p => p.First < p.Second));
    }

    [Fact]
    public void Mask_IsExact_AndMustStartWithAFullStep()
    {
        Assert.Equal([0, 4, 9], Full(new StepMaskSchedule([9, 0, 4])));
        Assert.Throws<ArgumentException>(() => new StepMaskSchedule([1, 4]));
        Assert.Throws<ArgumentException>(() => Full(new StepMaskSchedule([0, 60])));
    }

    [Fact]
    public void StageAware_UsesEachStagesInterval()
    {
        var times = Times(50);
        var schedule = new StageAwareSchedule([2, 5, 9], warmup: 2);
        var full = Full(schedule);
        Assert.Equal([0, 1], full.Take(2));
        foreach (var (a, b) in full.Skip(2).Zip(full.Skip(3)))
        {
            var stage = NoiseStages.Of(times[a], [0.9, 0.5]);
            Assert.Equal(new[] { 2, 5, 9 }[stage], b - a);
        }

        Assert.Equal(0, NoiseStages.Of(0.95, [0.9, 0.5]));
        Assert.Equal(1, NoiseStages.Of(0.9, [0.9, 0.5]));
        Assert.Equal(2, NoiseStages.Of(0.5, [0.9, 0.5]));
    }

    [Fact]
    public void Adaptive_AccumulatesChangeUntilTheThreshold_AndCapsRuns()
    {
        var planner = new AdaptiveSchedule(threshold: 0.25, maxConsecutiveForecasts: 3, warmup: 2).Begin(Times(20));
        var decisions = new List<bool>
        {
            planner.IsFullStep(0, null),
            planner.IsFullStep(1, 0.5),  // warm-up
            planner.IsFullStep(2, 0.1),  // 0.1 < 0.25: forecast
            planner.IsFullStep(3, 0.1),  // 0.2: forecast
            planner.IsFullStep(4, 0.1),  // 0.3 >= 0.25: full, reset
            planner.IsFullStep(5, 0.01), // forecast
            planner.IsFullStep(6, 0.01), // forecast
            planner.IsFullStep(7, 0.01), // forecast (3 in a row)
            planner.IsFullStep(8, 0.01), // cap: full
        };
        Assert.Equal([true, true, false, false, true, false, false, false, true], decisions);
    }
}
