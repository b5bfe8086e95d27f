using LesaHiCache.Sampling;

namespace LesaHiCache.Tests.Sampling;

public class FlowMatchScheduleTests
{
    [Fact]
    public void WithoutShift_TimesAreLinspaceThenZero()
    {
        var schedule = new FlowMatchSchedule(4, TimestepShift.None, imageTokens: 64);
        Assert.Equal([1.0, 0.75, 0.5, 0.25, 0.0], schedule.Times.Select(t => Math.Round(t, 12)));
    }

    [Fact]
    public void StaticShift_MatchesFormula()
    {
        var schedule = new FlowMatchSchedule(2, new StaticShift(3.0), imageTokens: 64);
        // t = 0.5 -> 3 * 0.5 / (1 + 2 * 0.5) = 0.75
        Assert.Equal(1.0, schedule.Times[0], 12);
        Assert.Equal(0.75, schedule.Times[1], 12);
        Assert.Equal(0.0, schedule.Times[2]);
    }

    [Theory]
    [InlineData(256, 0.5)]
    [InlineData(4096, 1.15)]
    [InlineData(2176, 0.825)]
    public void DynamicShift_MuInterpolatesBetweenBaseAndMax(int tokens, double mu) =>
        Assert.Equal(mu, new DynamicShift().Mu(tokens), 12);

    [Fact]
    public void DynamicShift_AtOneHalf_GivesLogistic()
    {
        var shift = new DynamicShift();
        // 1/t - 1 = 1 at t = 0.5, so t' = e^mu / (e^mu + 1).
        var e = Math.Exp(1.15);
        Assert.Equal(e / (e + 1), shift.Apply(0.5, 4096), 12);
    }

    [Fact]
    public void Times_DecreaseStrictly()
    {
        var times = new FlowMatchSchedule(50, TimestepShift.FluxDynamic, 256).Times;
        Assert.All(Enumerable.Range(0, 50), i => Assert.True(times[i] > times[i + 1]));
    }

    [Fact]
    public void ZeroSteps_AreRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMatchSchedule(0, TimestepShift.None, 16));
}
