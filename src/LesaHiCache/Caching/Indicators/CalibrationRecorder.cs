using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using static TorchSharp.torch;

namespace LesaHiCache.Caching.Indicators;

/// <summary>
/// Records <see cref="IndicatorObservation"/>s of uncached generations: as a schedule it computes every
/// step and asks for TeaCache's signal (the session hands it the modulated input's change); as an
/// observer at block level it sums the blocks' residuals of each step into the stack's residual.
/// Only the first call of a step (branch 0) is measured, as the indicators decide on it.
/// </summary>
internal sealed class CalibrationRecorder : ICacheSchedule, ICacheObserver, IDisposable
{
    private readonly List<IndicatorObservation> observations = [];
    private readonly Dictionary<int, double> inputChanges = [];
    private Tensor? current;
    private Tensor? previous;
    private int currentStep = -1;

    public string Name => "calibration(every step)";

    public StepSignal Signal => StepSignal.ModulatedInput;

    public IReadOnlyList<IndicatorObservation> Observations => observations;

    public IStepPlanner Begin(IReadOnlyList<double> times) => new Planner(this);

    public void BeginGeneration(GenerationInfo generation)
    {
        Reset();
    }

    public void Computed(CacheItemKey item, Tensor features, StepPosition position)
    {
        if (item.Branch != 0)
        {
            return;
        }

        if (position.Step != currentStep)
        {
            CloseStep();
            currentStep = position.Step;
        }

        using var _ = no_grad();
        if (current is null)
        {
            current = features.detach().to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        }
        else
        {
            current.add_(features.to_type(ScalarType.Float32));
        }
    }

    /// <summary>Ends the generation: its last step is measured, the tensors released.</summary>
    public void EndGeneration()
    {
        CloseStep();
        Reset();
    }

    public void Dispose() => Reset();

    /// <summary>The stack residual of <see cref="currentStep"/> is complete: compare it with the previous step's.</summary>
    private void CloseStep()
    {
        if (current is null)
        {
            return;
        }

        if (previous is not null && inputChanges.TryGetValue(currentStep, out var inputChange))
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var outputChange = ((current - previous).abs().mean() / previous.abs().mean().clamp_min(1e-12)).item<float>();
            var ratio = (current.norm(-1, keepdim: false) / previous.norm(-1, keepdim: false).clamp_min(1e-12)).mean().item<float>();
            observations.Add(new IndicatorObservation(currentStep, inputChange, outputChange, ratio));
        }

        previous?.Dispose();
        previous = current;
        current = null;
    }

    private void Reset()
    {
        current?.Dispose();
        previous?.Dispose();
        (current, previous, currentStep) = (null, null, -1);
        inputChanges.Clear();
    }

    private sealed class Planner(CalibrationRecorder recorder) : IStepPlanner
    {
        public int WarmupSteps => 1;

        public bool IsFullStep(int step, double? signalChange = null)
        {
            if (signalChange is double change)
            {
                recorder.inputChanges[step] = change;
            }

            return true;
        }
    }
}
