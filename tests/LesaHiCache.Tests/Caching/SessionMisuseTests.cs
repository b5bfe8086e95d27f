using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Lesa;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

/// <summary>What a session does when it is used wrongly: clear errors, no state piling up, usable afterwards.</summary>
public class SessionMisuseTests
{
    private static readonly IReadOnlyList<double> Times = new FlowMatchSchedule(6, TimestepShift.None, 16).Times;

    private sealed class Doubling : ICacheableBlock<Tensor>
    {
        public Tensor Forward(Tensor state, IBranchOutputs branches)
        {
            var branch = tanh(state);
            branches.Computed(0, branch);
            return state + branch;
        }

        public void AddForecasts(Tensor hidden, IGatedForecasts forecasts)
        {
            using var gate = ones(1);
            forecasts.AddTo(hidden, 0, gate);
        }
    }

    private static readonly ICacheableBlock<Tensor>[] Blocks = [new Doubling(), new Doubling()];

    private static CacheSession Session() => new(new CacheConfig { Forecaster = () => new TaylorSeer(1), Schedule = new FixedIntervalSchedule(2, warmup: 2) });

    /// <summary>A whole generation of the toy host: x_{s+1} = x_s - 0.1 velocity.</summary>
    private static Tensor Generate(CacheSession session)
    {
        var x = ones(2, 3) * 0.3;
        session.BeginGeneration(Times, 2, CfgLayout.None);
        for (var s = 0; s < Times.Count - 1; s++)
        {
            session.BeginStep(s);
            using var velocity = CachingRunner.Run(Blocks, x, session.NextForward(x.shape));
            var next = x - (0.1 * velocity);
            x.Dispose();
            x = next;
        }

        session.EndGeneration();
        return x;
    }

    [Fact]
    public void CallsAfterEndGeneration_AreErrorsThatSaySo_AndAddNoState()
    {
        using var session = Session();
        using (Generate(session))
        {
        }

        var items = session.Statistics.Items;
        using var x = ones(2, 3);
        for (var i = 0; i < 5; i++)
        {
            var error = Assert.Throws<InvalidOperationException>(() => session.NextForward(x.shape));
            Assert.Contains("not in a generation", error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("not in a generation", Assert.Throws<InvalidOperationException>(() => session.BeginStep(6)).Message, StringComparison.Ordinal);
        Assert.Equal(items, session.Statistics.Items);
    }

    [Fact]
    public void ASecondThread_InAGeneration_FailsOnBothThreads_AndTheSessionRecovers()
    {
        using var expected = Generate(Session());
        using var session = Session();
        using var x = ones(2, 3) * 0.3;
        session.BeginGeneration(Times, 2, CfgLayout.None);
        session.BeginStep(0);
        Exception? intruder = null;
        var other = new Thread(() => intruder = Record(() => session.NextForward(x.shape)));
        other.Start();
        other.Join();
        Assert.IsType<InvalidOperationException>(intruder);
        Assert.Contains("thread", intruder.Message, StringComparison.Ordinal);
        var owner = Assert.Throws<InvalidOperationException>(() => session.NextForward(x.shape));
        Assert.Contains("Another thread used this CacheSession", owner.Message, StringComparison.Ordinal);
        session.EndGeneration();

        // Usable again, from any thread, once the generation has ended.
        Tensor? again = null;
        var next = new Thread(() => again = Generate(session));
        next.Start();
        next.Join();
        Assert.True(again!.eq(expected).all().item<bool>());
        again.Dispose();
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Fact]
    public void ADisposedSessionOrPredictor_ThrowsObjectDisposed()
    {
        var session = Session();
        session.Dispose();
        session.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => session.BeginGeneration(Times, 1, CfgLayout.None));
        Assert.Throws<ObjectDisposedException>(() => session.EndGeneration());

        var schedule = new FixedIntervalSchedule(2, warmup: 1);
        var predictor = new LesaPredictor(
            new LesaPredictorInfo { ModelFingerprint = "test", Steps = 6, Times = Times, Schedule = schedule.Name, FullSteps = LesaPredictor.FullStepsOf(schedule, Times), Config = new LesaConfig { GainWidths = [4, 4] } },
            ModuleBuild.Cpu);
        using var forecaster = new LesaForecaster(predictor);
        predictor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => new LesaForecaster(predictor));
        Assert.Throws<ObjectDisposedException>(() => forecaster.BeginGeneration(GenerationInfo.Plain(Times)));
    }

    [Fact]
    public void NullMembersAndUndefinedLevels_AreRefusedWhenTheSessionIsBuilt()
    {
        Assert.Contains("CacheConfig.Forecaster", Assert.Throws<ArgumentException>(() => new CacheSession(new CacheConfig { Forecaster = null! })).Message, StringComparison.Ordinal);
        Assert.Contains("CacheConfig.Schedule", Assert.Throws<ArgumentException>(() => new CacheSession(new CacheConfig { Schedule = null! })).Message, StringComparison.Ordinal);
        Assert.Contains("Unknown cache level 42", Assert.Throws<ArgumentException>(() => new CacheSession(new CacheConfig { Level = (CacheLevel)42 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForecasterAndScheduleArguments_OutsideTheirRanges_AreRefused()
    {
        Assert.Contains("StateDType", Assert.Throws<ArgumentException>(() => new Fora(new ForecasterOptions { StateDType = ScalarType.Int64 })).Message, StringComparison.Ordinal);
        Assert.Contains("StateDType", Assert.Throws<ArgumentException>(() => new TaylorSeer(1, new ForecasterOptions { StateDType = ScalarType.Bool })).Message, StringComparison.Ordinal);
        Assert.Contains("Distance", Assert.Throws<ArgumentException>(() => new HiCache(2, 0.5, new ForecasterOptions { Distance = (DistanceUnit)7 })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaylorSeer(PolynomialForecaster.MaxOrder + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HiCache(2, 1e300));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HiCache(2, double.NaN));
        Assert.Throws<ArgumentException>(() => new StageAwareSchedule([2, 3, 4], boundaries: [0.5, 0.9]));
        Assert.Throws<ArgumentException>(() => new StageAwareSchedule([2, 3, 4], boundaries: [double.NaN, 0.5]));
        using var lesaPredictor = new LesaPredictor(
            new LesaPredictorInfo { ModelFingerprint = "test", Steps = 6, Times = Times, Schedule = "x", Config = new LesaConfig { GainWidths = [4, 4] } },
            ModuleBuild.Cpu);
        Assert.Contains("StateDType", Assert.Throws<ArgumentException>(() => new LesaForecaster(lesaPredictor, new ForecasterOptions { StateDType = ScalarType.Int32 })).Message, StringComparison.Ordinal);
    }
}
