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
            var stage = StageAwareSchedule.StageOf(times[a], [0.9, 0.5]);
            Assert.Equal(new[] { 2, 5, 9 }[stage], b - a);
        }

        Assert.Equal(0, StageAwareSchedule.StageOf(0.95, [0.9, 0.5]));
        Assert.Equal(1, StageAwareSchedule.StageOf(0.9, [0.9, 0.5]));
        Assert.Equal(2, StageAwareSchedule.StageOf(0.5, [0.9, 0.5]));
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
