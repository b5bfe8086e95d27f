using LesaHiCache.Caching.Methods;
using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Tests.Caching;

/// <summary>
/// The adaptive indicators' decisions on hand-made signal sequences, against decisions worked out by
/// hand from the reference code's rules (docs/indicators.md), and their thresholds' extremes.
/// </summary>
public class IndicatorScheduleTests
{
    private static IReadOnlyList<double> Times(int steps) => [.. Enumerable.Range(0, steps + 1).Select(i => 1.0 - ((double)i / steps))];

    /// <summary>The planner's decisions (true: full) and compared values for one change per step.</summary>
    private static (bool[] Full, double?[] Indicators) Decide(ICacheSchedule schedule, params double?[] changes)
    {
        var planner = schedule.Begin(Times(changes.Length));
        var full = new bool[changes.Length];
        var indicators = new double?[changes.Length];
        for (var step = 0; step < changes.Length; step++)
        {
            full[step] = planner.IsFullStep(step, changes[step]);
            indicators[step] = planner.LastIndicator;
        }

        return (full, indicators);
    }

    [Fact]
    public void FirstBlockCache_ForecastsWhileTheChangeIsAtMostTheThreshold()
    {
        var (full, indicators) = Decide(new FirstBlockCacheSchedule(0.05), null, 0.03, 0.05, 0.06, 0.01);
        // Step 0 has no reference; 0.03 and 0.05 (<= 0.05) forecast; 0.06 computes; 0.01 forecasts. No accumulation.
        Assert.Equal([true, false, false, true, false], full);
        Assert.Equal([null, 0.03, 0.05, 0.06, 0.01], indicators);
    }

    [Fact]
    public void FirstBlockCache_ThresholdZeroComputesEveryChangedStep_InfinityForecastsAllButTheFirst()
    {
        Assert.Equal([true, true, true, true], Decide(new FirstBlockCacheSchedule(0), null, 1e-6, 0.2, 3.0).Full);
        Assert.Equal([true, false, false, false], Decide(new FirstBlockCacheSchedule(double.PositiveInfinity), null, 1e-6, 0.2, 3.0).Full);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FirstBlockCacheSchedule(-0.1));
    }

    [Fact]
    public void DbCache_WarmsUp_ForecastsBelowTheThreshold_AndCountsRunsAsCacheDitDoes()
    {
        // W = 2, T = 0.1, at most 3 in a row. Steps 2 and 3 forecast (count 1, 2); step 4's change computes
        // it without resetting the count; step 5 forecasts (not right after a forecast step: count stays 2);
        // step 6 forecasts (count 3); step 7 meets the cap, computes and resets; step 8 forecasts.
        var schedule = new DbCacheSchedule(leadingBlocks: 1, threshold: 0.1, warmup: 2, maxContinuousCachedSteps: 3);
        var (full, indicators) = Decide(schedule, null, 0.5, 0.05, 0.05, 0.5, 0.05, 0.05, 0.05, 0.05);
        Assert.Equal([true, true, false, false, true, false, false, true, false], full);
        // Only the compared changes are reported: none in warm-up, none on the capped step.
        Assert.Equal([null, null, 0.05, 0.05, 0.5, 0.05, 0.05, null, 0.05], indicators);
    }

    [Fact]
    public void DbCache_IsStrict_CapsForecastsPerGeneration_AndHasCacheDitsThresholdExtremes()
    {
        Assert.Equal([true, true, false], Decide(new DbCacheSchedule(1, threshold: 0.1, warmup: 0), null, 0.1, 0.0999).Full);
        Assert.Equal([true, false, false, true, true], Decide(new DbCacheSchedule(1, threshold: 0.5, warmup: 1, maxCachedSteps: 2), null, 0.1, 0.1, 0.1, 0.1).Full);
        Assert.Equal([true, true, true, true], Decide(new DbCacheSchedule(1, threshold: 0, warmup: 1), null, 0.0, 0.0, 0.0).Full);
        Assert.Equal([true, false, false, false], Decide(new DbCacheSchedule(1, threshold: double.PositiveInfinity, warmup: 1), null, 5.0, 50.0, 500.0).Full);
        // cache-dit: a threshold of 1 or more forecasts whatever the change.
        Assert.Equal([true, false], Decide(new DbCacheSchedule(1, threshold: 1, warmup: 1), null, 7.0).Full);
    }

    [Fact]
    public void DbCache_HasCacheDitsDefaults()
    {
        var schedule = new DbCacheSchedule();
        Assert.Equal((8, 0, 0.08, 8, -1, -1), (schedule.LeadingBlocks, schedule.TrailingBlocks, schedule.Threshold, schedule.Warmup, schedule.MaxCachedSteps, schedule.MaxContinuousCachedSteps));
        Assert.Equal(StepSignal.LeadingResidual(8), schedule.Signal);
        Assert.Equal(Enumerable.Repeat(true, 8), Decide(schedule, null, 0, 0, 0, 0, 0, 0, 0).Full);
        Assert.Equal(0, ((ICacheSchedule)new FixedIntervalSchedule(7, warmup: 3)).TrailingBlocks);
        Assert.Equal(3, ((ICacheSchedule)new DbCacheSchedule(1, trailingBlocks: 3)).TrailingBlocks);
    }

    [Fact]
    public void TeaCache_AccumulatesTheRescaledChange_ForcesTheFirstAndLastStep()
    {
        // Rescale 2x + 0.1, T = 0.5: step 1 adds 0.3 (forecast), step 2 reaches 0.6 (full, reset), step 3
        // 0.7 (full), steps 4-5 reach 0.2 and 0.4 (forecast), step 6 0.7 (full), step 7 is the last (full).
        var schedule = new TeaCacheSchedule(0.5, new RescalePolynomial([2, 0.1]));
        var (full, indicators) = Decide(schedule, null, 0.1, 0.1, 0.3, 0.05, 0.05, 0.1, 0.0);
        Assert.Equal([true, false, true, true, false, false, true, true], full);
        double?[] expected = [null, 0.3, 0.6, 0.7, 0.2, 0.4, 0.7, null];
        Assert.Equal(expected.Select(e => e.HasValue), indicators.Select(v => v.HasValue));
        Assert.All(Enumerable.Range(0, 8).Where(i => expected[i].HasValue), i => Assert.Equal(expected[i]!.Value, indicators[i]!.Value, 12));
        Assert.Equal(StepSignal.ModulatedInput, schedule.Signal);
    }

    [Fact]
    public void TeaCache_ThresholdExtremes_AndTheReferenceFluxPolynomial()
    {
        var rescale = new RescalePolynomial([1, 0]);
        Assert.Equal([true, true, true, true, true], Decide(new TeaCacheSchedule(0, rescale), null, 0.1, 0.2, 0.3, 0.4).Full);
        Assert.Equal([true, false, false, false, true], Decide(new TeaCacheSchedule(double.PositiveInfinity, rescale), null, 0.1, 0.2, 0.3, 0.4).Full);
        // numpy.poly1d of the TeaCache4FLUX coefficients at 0.1 and 0.05.
        Assert.Equal(0.20684737609999992, RescalePolynomial.Flux1Dev.Evaluate(0.1), 12);
        Assert.Equal(0.18050262494374997, RescalePolynomial.Flux1Dev.Evaluate(0.05), 12);
    }

    [Fact]
    public void MagCache_PlansFromTheRatioCurve_AsTheReferenceLoopDoes()
    {
        // Worked through the reference loop (retention int(0.1 x 10 + 0.5) = 1). T = 0.2, K = 2:
        // step 1: ratio 1.02, err 0.02 (forecast); step 2: 1.0506, err 0.0706 (forecast); step 3: err 0.1107 <= 0.2
        // but a third skip in a row (full, reset); steps 4-5 forecast; step 6 is the third again; 7-8; 9.
        var ratios = new MagnitudeRatios([1.0, 1.02, 1.03, 0.99, 1.05, 1.0, 1.1, 0.98, 0.97, 0.9]);
        var schedule = new MagCacheSchedule(ratios, threshold: 0.2, maxSkippedSteps: 2);
        Assert.Equal([0, 3, 6, 9], schedule.FullSteps(Times(10)).Order());
        var (_, indicators) = Decide(schedule, new double?[10]);
        Assert.Equal(0.0706, indicators[2]!.Value, 12);
        Assert.Equal(0.110694, indicators[3]!.Value, 12);
        Assert.Null(indicators[0]);
        // K = 5: the error decides; it passes 0.2 at step 4 (0.2028, after 0.1107 at step 3) and, counted afresh from step 5, at step 8 (0.2237).
        Assert.Equal([0, 4, 8], new MagCacheSchedule(ratios, threshold: 0.2, maxSkippedSteps: 5).FullSteps(Times(10)).Order());
        // T = 0.1: step 3's 0.1107 computes it, and step 5's 0.05 + 0.05 (just above 0.1 in floating point) too.
        Assert.Equal([0, 3, 5, 6, 9], new MagCacheSchedule(ratios, threshold: 0.1, maxSkippedSteps: 2).FullSteps(Times(10)).Order());
    }

    [Fact]
    public void MagCache_ThresholdExtremes_AndTheReferenceDefaultsOnTheFluxCurve()
    {
        var ratios = new MagnitudeRatios([1.0, 1.02, 1.03, 0.99, 1.05, 1.01, 1.1, 0.98, 0.97, 0.9]);
        Assert.Equal(Enumerable.Range(0, 10), new MagCacheSchedule(ratios, threshold: 0).FullSteps(Times(10)).Order());
        Assert.Equal([0], new MagCacheSchedule(ratios, threshold: double.PositiveInfinity, maxSkippedSteps: int.MaxValue, retention: 0).FullSteps(Times(10)).Order());
        // E024K5R01 on the FLUX.1-dev curve at its own 28 steps, and resampled to 50 (reference loop run by hand in Python).
        Assert.Equal([0, 1, 2, 5, 9, 15, 21, 26], new MagCacheSchedule(MagnitudeRatios.Flux1Dev).FullSteps(Times(28)).Order());
        Assert.Equal([0, 1, 2, 3, 4, 6, 9, 13, 17, 23, 29, 35, 41, 45, 48], new MagCacheSchedule(MagnitudeRatios.Flux1Dev).FullSteps(Times(50)).Order());
    }

    [Fact]
    public void MagnitudeRatios_ResampleToTheNearestEntry_RoundingHalvesToEven()
    {
        Assert.Equal([1.0, 1.07812, 1.03125, 1.03125, 1.01562, 1.00781, 1.0, 0.99609, 0.96484, 0.89062], MagnitudeRatios.Flux1Dev.For(10));
        // 28 -> 55 steps: i x 0.5, so halves occur: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4.
        var flux = MagnitudeRatios.Flux1Dev.Ratios;
        var resampled = MagnitudeRatios.Flux1Dev.For(55);
        Assert.Equal([flux[0], flux[0], flux[1], flux[2], flux[2], flux[2], flux[3], flux[4]], resampled.Take(8));
        Assert.Equal(flux[^1], resampled[^1]);
        Assert.Equal([0.89062], MagnitudeRatios.Flux1Dev.For(1));
        Assert.Same(flux, MagnitudeRatios.Flux1Dev.For(28));
        Assert.Throws<ArgumentException>(() => new MagnitudeRatios([1.0, 0.0]));
    }

    [Theory]
    [InlineData("fbcache", "fbcache(0.05)")]
    [InlineData("fbcache:0.12", "fbcache(0.12)")]
    [InlineData("dbcache", "dbcache(F8B0, 0.08, warmup=8)")]
    [InlineData("dbcache:1:0:0.2:4:20:3", "dbcache(F1B0, 0.2, warmup=4, max=20, continuous=3)")]
    public void Specs_NameTheIndicatorsWithCacheDitsAndDiffusersDefaults(string text, string name) =>
        Assert.Equal(name, ScheduleSpec.Parse(text).Schedule.Name);

    [Fact]
    public void ASweep_StandsForEvenlySpacedValues_OfOneParameter()
    {
        Assert.Equal(["teacache:0.1", "teacache:0.2", "teacache:0.3", "teacache:0.4", "teacache:0.5", "teacache:0.6"], ScheduleSpec.Sweep("teacache:0.1..0.6:6"));
        Assert.Equal(["magcache:0.1:5:0.1", "magcache:0.2:5:0.1", "magcache:0.3:5:0.1"], ScheduleSpec.Sweep("magcache:0.1..0.3:3:5:0.1"));
        Assert.Equal(["file:../a..b.json"], ScheduleSpec.Sweep("file:../a..b.json"));
        Assert.Equal(["fbcache(0)", "fbcache(0.05)", "fbcache(0.1)", "interval(7, warmup=3)"], ScheduleSpec.ParseList("fbcache:0..0.1:3,interval:7:3").Select(s => s.Schedule.Name));
        Assert.Contains("followed by its number of values", Assert.Throws<FormatException>(() => ScheduleSpec.ParseList("fbcache:0..0.1")).Message, StringComparison.Ordinal);
        Assert.Contains("one parameter at a time", Assert.Throws<FormatException>(() => ScheduleSpec.ParseList("dbcache:1..2:2:0:0.1..0.2:2")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASpecWithTrailingBlocks_ParsesToCacheDitsF8B8()
    {
        var schedule = Assert.IsType<DbCacheSchedule>(ScheduleSpec.Parse("dbcache:8:8:0.15").Schedule);
        Assert.Equal((8, 8, 0.15), (schedule.LeadingBlocks, schedule.TrailingBlocks, schedule.Threshold));
        Assert.Equal("dbcache(F8B8, 0.15, warmup=8)", schedule.Name);
    }
}
