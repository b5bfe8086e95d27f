using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa;

/// <summary>
/// A trained LESA predictor: one <see cref="LesaExpert"/> per noise stage, hard-routed by the
/// current t (and with <see cref="LesaCfgExperts.PerHalf"/> a second set for the unconditional CFG
/// rows), for one model, one sampler schedule (its S + 1 times) and one caching schedule
/// (<see cref="Info"/>). Files are safetensors with the info in the <c>__metadata__</c> entry "lesa".
/// </summary>
public sealed class LesaPredictor : nn.Module
{
    /// <summary>The metadata key holding <see cref="LesaPredictorInfo"/> as JSON.</summary>
    public const string MetadataKey = "lesa";

    private const double TimeTolerance = 1e-6;

    /// <summary>
    /// The CFG variant trained by default and preferred by <see cref="FindIn"/>: the one that
    /// validated better on the bundled model's held-out prompts (see docs/lesa.md).
    /// </summary>
    public const LesaCfgExperts DefaultCfgExperts = LesaCfgExperts.PerHalf;

    private readonly TorchSharp.Modules.ModuleList<LesaExpert> experts;
    private readonly TorchSharp.Modules.ModuleList<LesaExpert> unconditional_experts;
    private readonly InferenceCoefficients?[] inference = new InferenceCoefficients?[2];
    private bool disposed;

    /// <summary>Most sampler steps a predictor may be for (its gains read one input per step).</summary>
    public const int StepsLimit = 10_000;

    /// <summary>Creates a predictor for <paramref name="info"/> (random weights when <paramref name="build"/> initialises).</summary>
    public LesaPredictor(LesaPredictorInfo info, ModuleBuild build) : base(nameof(LesaPredictor))
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(build);
        info.Config.Validate();
        if (info.Steps < 1 || info.Steps > StepsLimit || info.Times is null || info.Times.Count != info.Steps + 1)
        {
            throw new ArgumentException($"A predictor is for 1 to {StepsLimit} steps with one more time than steps; got {info.Steps} steps and {info.Times?.Count ?? 0} times.", nameof(info));
        }

        if (info.Times.Any(t => !(t >= 0 && t <= 1)))
        {
            throw new ArgumentException("The predictor's times must lie in [0, 1].", nameof(info));
        }

        if (!Enum.IsDefined(info.CfgExperts))
        {
            throw new ArgumentException($"Unknown CFG variant {info.CfgExperts}.", nameof(info));
        }

        Info = info;
        experts = ExpertSet(info, build);
        unconditional_experts = info.CfgExperts == LesaCfgExperts.PerHalf ? ExpertSet(info, build) : new TorchSharp.Modules.ModuleList<LesaExpert>();
        RegisterComponents();
    }

    private static TorchSharp.Modules.ModuleList<LesaExpert> ExpertSet(LesaPredictorInfo info, ModuleBuild build)
    {
        var set = new TorchSharp.Modules.ModuleList<LesaExpert>();
        foreach (var history in info.Config.HistoryLengths)
        {
            set.Add(new LesaExpert(history, info.Steps + 1, info.Config, build));
        }

        return set;
    }

    /// <summary>What the predictor is for.</summary>
    public LesaPredictorInfo Info { get; private set; }

    /// <summary>The experts of the conditional rows (of every row, for a shared predictor), stage 0 (noisiest) first.</summary>
    public IReadOnlyList<LesaExpert> Experts => [.. experts];

    /// <summary>The experts of the unconditional CFG rows (<see cref="LesaCfgExperts.PerHalf"/>; empty for a shared predictor), stage 0 first.</summary>
    public IReadOnlyList<LesaExpert> UnconditionalExperts => [.. unconditional_experts];

    /// <summary>The stage of step <paramref name="step"/>.</summary>
    public int StageOf(int step) => Info.Config.StageOf(Info.Times[step]);

    /// <summary>The expert of step <paramref name="step"/> for the conditional (or, when <paramref name="unconditional"/> and the predictor is per-half, the unconditional) rows.</summary>
    public LesaExpert ExpertOf(int step, bool unconditional = false) => Set(unconditional)[StageOf(step)];

    private TorchSharp.Modules.ModuleList<LesaExpert> Set(bool unconditional) =>
        unconditional && Info.CfgExperts == LesaCfgExperts.PerHalf ? unconditional_experts : experts;

    /// <summary>The difference vector delta_j = t_step - t_j, j = 0..S: [1, S + 1].</summary>
    public Tensor Deltas(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, Info.Steps);
        return DeltaRows([step]);
    }

    /// <summary>The gain of step <paramref name="step"/> (its stage's KAN on its deltas, of the set <see cref="ExpertOf"/> picks): a scalar tensor, differentiable.</summary>
    public Tensor Gain(int step, bool unconditional = false)
    {
        using var deltas = Deltas(step);
        using var gains = ExpertOf(step, unconditional).Gain(deltas);
        return gains[0].alias();
    }

    /// <summary>
    /// The gains of every step and each stage's mixer weights and bias as host numbers, for the
    /// conditional (or unconditional) set, computed once and kept until <see cref="WeightsChanged"/>
    /// (the trainer calls it after every step).
    /// </summary>
    public InferenceCoefficients Inference(bool unconditional = false)
    {
        ThrowIfDisposed();
        var index = unconditional && Info.CfgExperts == LesaCfgExperts.PerHalf ? 1 : 0;
        if (inference[index] is null)
        {
            using var _ = no_grad();
            var set = Set(unconditional);
            inference[index] = new InferenceCoefficients(
                Gains(unconditional),
                [.. set.Select(e => e.MixerWeight.to_type(ScalarType.Float64).cpu().data<double>().ToArray())],
                [.. set.Select(e => e.MixerBias.to_type(ScalarType.Float64).cpu().item<double>())]);
        }

        return inference[index]!;
    }

    /// <summary>Drops the coefficients <see cref="Inference"/> keeps; call after changing the weights.</summary>
    public void WeightsChanged() => Array.Clear(inference);

    /// <summary>The gains of every step (of the conditional or unconditional set), computed without gradients.</summary>
    public double[] Gains(bool unconditional = false)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var gains = new double[Info.Steps];
        var all = DeltaRows([.. Enumerable.Range(0, Info.Steps)]);
        var byStage = Set(unconditional).Select(e => e.Gain(all).to_type(ScalarType.Float64).cpu().data<double>().ToArray()).ToArray();
        for (var s = 0; s < Info.Steps; s++)
        {
            gains[s] = byStage[StageOf(s)][s];
        }

        return gains;
    }

    /// <summary>
    /// Throws <see cref="LesaPredictorMismatchException"/> unless the predictor was trained for this
    /// model (fingerprint), these sampler times, and (when given) this schedule's full steps.
    /// </summary>
    public void EnsureCompatible(string? modelFingerprint, IReadOnlyList<double>? times = null, ICacheSchedule? schedule = null)
    {
        if (modelFingerprint is not null && modelFingerprint != Info.ModelFingerprint)
        {
            throw new LesaPredictorMismatchException(
                $"This LESA predictor was trained for another model ({Info.ModelName ?? "unnamed"}, {Info.ModelFingerprint}); the model in use is {modelFingerprint}. Train a predictor for this model (lesa-hicache train-lesa).");
        }

        if (times is not null)
        {
            EnsureTimes(times);
        }

        if (schedule is not null && times is not null)
        {
            EnsureSchedule(schedule, times);
        }
    }

    /// <summary>
    /// Throws <see cref="LesaPredictorMismatchException"/> when a per-half predictor is asked to
    /// forecast a generation without CFG: it was trained on guided trajectories and has no set for that.
    /// </summary>
    public void EnsureCfg(CfgLayout cfg)
    {
        if (Info.CfgExperts == LesaCfgExperts.PerHalf && cfg == CfgLayout.None)
        {
            throw new LesaPredictorMismatchException("This LESA predictor has per-half CFG experts (trained with classifier-free guidance); the generation runs without CFG. Sample with CFG or use a predictor trained without it.");
        }
    }

    /// <summary>Throws <see cref="LesaPredictorMismatchException"/> unless <paramref name="times"/> are the trained sampler times.</summary>
    public void EnsureTimes(IReadOnlyList<double> times)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count != Info.Times.Count)
        {
            throw new LesaPredictorMismatchException(
                $"This LESA predictor was trained for {Info.Steps} sampler steps; the generation has {times.Count - 1}. Use a predictor trained for {times.Count - 1} steps.");
        }

        var i = FirstDifferentTime(Info.Times, times);
        if (i >= 0)
        {
            throw new LesaPredictorMismatchException(string.Create(
                CultureInfo.InvariantCulture,
                $"This LESA predictor was trained for other sampler times (t_{i} = {Info.Times[i]:0.######}, the generation has {times[i]:0.######}): the timestep shift or resolution differs."));
        }
    }

    /// <summary>Throws <see cref="LesaPredictorMismatchException"/> unless <paramref name="schedule"/> is the trained one.</summary>
    public void EnsureSchedule(ICacheSchedule schedule, IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(times);
        EnsureFullSteps(FullStepsOf(schedule, times), schedule.Name);
    }

    /// <summary>
    /// Throws <see cref="LesaPredictorMismatchException"/> unless <paramref name="fullSteps"/> (a
    /// generation's full steps in order; null when its schedule decides while sampling) are the trained ones.
    /// </summary>
    public void EnsureFullSteps(IReadOnlyList<int>? fullSteps, string? scheduleName = null)
    {
        if (!SameSchedule(Info, fullSteps))
        {
            throw new LesaPredictorMismatchException(
                $"This LESA predictor was trained for the schedule {Info.Schedule} (full steps {Describe(Info.FullSteps)}); the schedule in use{(scheduleName is null ? "" : $" is {scheduleName}")} computes full steps {Describe(fullSteps)}. Use a predictor trained for this schedule.");
        }
    }

    /// <summary>
    /// Throws <see cref="LesaPredictorMismatchException"/> unless <paramref name="model"/> is the model
    /// the predictor was trained for (by <see cref="ModelFingerprint"/>).
    /// </summary>
    public void EnsureModel(ModelIdentity model)
    {
        ArgumentNullException.ThrowIfNull(model);
        EnsureCompatible(model.Fingerprint);
    }

    /// <summary>A model-level cache configuration that forecasts with this predictor on its trained schedule (or <paramref name="schedule"/>, which must match).</summary>
    public CacheConfig CacheConfig(ICacheSchedule? schedule = null)
    {
        var trained = (ICacheSchedule?)(Info.FullSteps is { } steps ? new StepMaskSchedule(steps) : null);
        if (schedule is not null)
        {
            EnsureSchedule(schedule, Info.Times);
        }

        return new CacheConfig
        {
            Level = LesaForecaster.Level,
            Forecaster = () => new LesaForecaster(this),
            Schedule = schedule ?? trained ?? throw new InvalidOperationException($"The predictor's schedule {Info.Schedule} decides while sampling: pass it explicitly."),
        };
    }

    /// <summary>Records how the predictor was trained in its info (saved with it).</summary>
    public void DescribeTraining(string training) => Info = Info with { Training = training };

    /// <summary>
    /// Saves the weights and the info to one safetensors file. With <paramref name="weightsDtype"/> the
    /// trained parameters are written in that dtype (float16 halves a shipped file; <see cref="Load"/>
    /// converts them back to float32); the KAN grids stay exact in their own dtype, since rounding a knot
    /// would move every spline that uses it.
    /// </summary>
    public void Save(string path, ScalarType? weightsDtype = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (weightsDtype is { } dtype && !SafetensorsDType.IsFloatingPoint(dtype))
        {
            throw new ArgumentException($"The weights dtype must be a floating-point type, got {dtype}.", nameof(weightsDtype));
        }

        var options = new WeightsSaveOptions { Metadata = new Dictionary<string, string> { [MetadataKey] = Info.ToJson() } };
        using var scope = NewDisposeScope();
        var parameterNames = named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var tensors = state_dict().ToDictionary(
            entry => entry.Key,
            entry => weightsDtype is { } target && parameterNames.Contains(entry.Key) ? entry.Value.detach().to_type(target) : entry.Value,
            StringComparer.Ordinal);
        WeightsSaver.Save(tensors, path, options);
    }

    /// <summary>Reads the info of a predictor file without loading weights.</summary>
    public static LesaPredictorInfo ReadInfo(string path) => InfoOf(SafetensorsHeader.Read(path), path);

    private static LesaPredictorInfo InfoOf(SafetensorsHeader header, string path)
    {
        if (!header.Metadata.TryGetValue(MetadataKey, out var json))
        {
            throw new FormatException($"'{path}' is not a LESA predictor: its metadata has no '{MetadataKey}' entry.");
        }

        try
        {
            return LesaPredictorInfo.FromJson(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"'{path}': the LESA metadata is not valid ({e.Message}).", e);
        }
    }

    /// <summary>Loads a predictor file onto <paramref name="device"/> (CPU when null).</summary>
    /// <remarks>
    /// The metadata is checked before any tensor is allocated: against the accepted bounds
    /// (<see cref="LesaConfig"/>'s limits, <see cref="StepsLimit"/>) and against the tensor shapes the
    /// file declares (the predictor is first built on the meta device), so an edited file fails with a
    /// <see cref="WeightsLoadException"/> naming the file and the field or tensor.
    /// </remarks>
    public static LesaPredictor Load(string path, Device? device = null)
    {
        var header = SafetensorsHeader.Read(path);
        var info = InfoOf(header, path);
        CheckAgainstFile(info, header, path);
        var predictor = new LesaPredictor(info, new ModuleBuild(device ?? CPU, ScalarType.Float32, Initialize: false));
        try
        {
            WeightsLoader.Load(predictor, path);
            return predictor;
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }

    /// <summary>The metadata within bounds, and the shapes it implies equal to the file's tensors; nothing is allocated.</summary>
    private static void CheckAgainstFile(LesaPredictorInfo info, SafetensorsHeader header, string path)
    {
        LesaPredictor meta;
        try
        {
            meta = new LesaPredictor(info, ModuleBuild.Meta);
        }
        catch (ArgumentException e)
        {
            throw new WeightsLoadException(WeightsLoadErrorKind.Corrupt, $"'{path}': the LESA metadata ('{MetadataKey}') is not usable: {e.Message}", path, innerException: e);
        }

        using (meta)
        {
            var declared = header.Tensors;
            foreach (var (key, tensor) in meta.state_dict())
            {
                if (!declared.TryGetValue(key, out var stored))
                {
                    throw new WeightsLoadException(WeightsLoadErrorKind.MissingKeys, $"'{path}': the LESA metadata implies a tensor '{key}' the file does not hold.", path, [key]);
                }

                if (!stored.Shape.SequenceEqual(tensor.shape))
                {
                    throw new WeightsLoadException(
                        WeightsLoadErrorKind.ShapeMismatch,
                        $"'{path}': the LESA metadata implies '{key}' of shape {SafetensorsTensorInfo.FormatShape(tensor.shape)}, the file holds {stored.ShapeText}.",
                        path,
                        [key]);
                }
            }
        }
    }

    /// <summary>
    /// The predictor file in <paramref name="folder"/> trained for this model, these times and this
    /// schedule, of the CFG variant <paramref name="cfgExperts"/> (when null: <see cref="DefaultCfgExperts"/>
    /// if the folder has one, else the other); throws <see cref="LesaPredictorMismatchException"/>
    /// listing the folder's predictors when none is.
    /// </summary>
    public static string FindIn(string folder, string modelFingerprint, IReadOnlyList<double> times, ICacheSchedule schedule, LesaCfgExperts? cfgExperts = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(schedule);
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).ToList() : [];
        var fullSteps = FullStepsOf(schedule, times);
        var seen = new List<string>();
        var matching = new List<(string File, LesaCfgExperts Experts)>();
        foreach (var file in files)
        {
            LesaPredictorInfo info;
            try
            {
                info = ReadInfo(file);
            }
            catch (FormatException)
            {
                continue;
            }

            var sameTimes = info.Times.Count == times.Count && FirstDifferentTime(info.Times, times) < 0;
            if (info.ModelFingerprint == modelFingerprint && sameTimes && SameSchedule(info, fullSteps))
            {
                matching.Add((file, info.CfgExperts));
            }

            seen.Add($"{Path.GetFileName(file)} ({info.Steps} steps, {info.Schedule}, {info.CfgExperts} CFG experts{(info.ModelFingerprint == modelFingerprint ? "" : ", another model")})");
        }

        var wanted = cfgExperts ?? DefaultCfgExperts;
        var found = matching.Where(m => m.Experts == wanted).Select(m => m.File).FirstOrDefault()
            ?? (cfgExperts is null ? matching.Select(m => m.File).FirstOrDefault() : null);
        return found ?? throw new LesaPredictorMismatchException(
            $"No LESA predictor in '{folder}' was trained for this model, {times.Count - 1} steps and the schedule {schedule.Name}" +
            (cfgExperts is null ? "" : $" with {cfgExperts} CFG experts") +
            (seen.Count == 0 ? "." : $"; it has: {string.Join("; ", seen)}.") + " Train one with lesa-hicache train-lesa.");
    }

    /// <summary>The full steps of a planned schedule over <paramref name="times"/>; null for schedules that decide while sampling.</summary>
    public static IReadOnlyList<int>? FullStepsOf(ICacheSchedule schedule, IReadOnlyList<double> times) => PlannedSchedule.FullStepsOf(schedule, times);

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the predictor is disposed.</summary>
    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        disposed = true;
        base.Dispose(disposing);
    }

    /// <summary>Per-step gains and per-stage mixer weights and biases, as host numbers.</summary>
    /// <param name="Gains">g of every step.</param>
    /// <param name="Weights">w_1..w_K of every stage.</param>
    /// <param name="Biases">b of every stage.</param>
    public sealed record InferenceCoefficients(double[] Gains, double[][] Weights, double[] Biases);

    /// <summary>The first index where two equally long time lists differ by more than the tolerance; -1 when none does.</summary>
    private static int FirstDifferentTime(IReadOnlyList<double> trained, IReadOnlyList<double> times)
    {
        for (var i = 0; i < times.Count; i++)
        {
            if (Math.Abs(times[i] - trained[i]) > TimeTolerance)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Same full steps over the times (a schedule that decides while sampling matches none).</summary>
    private static bool SameSchedule(LesaPredictorInfo info, IReadOnlyList<int>? fullSteps) =>
        fullSteps is not null && info.FullSteps is not null && fullSteps.SequenceEqual(info.FullSteps);

    /// <summary>delta_j = t_s - t_j for each step s given: [steps, S + 1], in the experts' dtype and device.</summary>
    private Tensor DeltaRows(int[] steps)
    {
        var weight = experts[0].MixerWeight;
        var deltas = steps.SelectMany(s => Info.Times.Select(t => (float)(Info.Times[s] - t))).ToArray();
        return tensor(deltas, [steps.Length, Info.Times.Count], weight.dtype, weight.device);
    }

    private static string Describe(IReadOnlyList<int>? steps) => steps is null ? "decided while sampling" : "{" + string.Join(",", steps) + "}";
}
