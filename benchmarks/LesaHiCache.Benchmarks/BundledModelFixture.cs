using LesaHiCache.Lesa;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

namespace LesaHiCache.Benchmarks;

/// <summary>The bundled model with a batch of prompts, seeded noise and the CFG setup of <see cref="ShapesModel.Generate"/>.</summary>
internal sealed class BundledModelFixture : IDisposable
{
    private readonly Dictionary<int, LesaPredictor> predictors = [];

    public BundledModelFixture(int batch)
    {
        set_num_threads(Environment.ProcessorCount);
        Model = ShapesModel.Load(ShapesModel.BundledFolder);
        var prompts = new PromptGrammar(seed: 4242).Take(batch).Select(p => p.Text).ToList();
        using (no_grad())
        {
            Text = Model.Encode(prompts);
            NullText = Model.Encode([""]);
        }

        Noise = SeededNoise.Draw(Enumerable.Range(0, batch).Select(i => 9000L + i).ToList(), [ShapesModel.TokensPerSide * ShapesModel.TokensPerSide, ShapesModel.Channels * ShapesModel.Patch * ShapesModel.Patch], CPU);
        Options = new SamplerOptions { Steps = 50, GuidanceScale = ShapesModel.GuidanceScale, NullText = NullText };
    }

    public ShapesModel Model { get; }

    public TextConditioning Text { get; }

    public TextConditioning NullText { get; }

    public Tensor Noise { get; }

    public SamplerOptions Options { get; }

    public FluxFlowModel Flow(LesaHiCache.Caching.CacheSession? cache) => new(Model.Transformer, ShapesModel.TokensPerSide, ShapesModel.TokensPerSide, cache: cache);

    /// <summary>The shipped LESA predictor for <paramref name="fullSteps"/> of 50 (loaded once).</summary>
    public LesaPredictor Predictor(int fullSteps)
    {
        if (!predictors.TryGetValue(fullSteps, out var predictor))
        {
            var times = new FlowMatchSchedule(Options.Steps, TimestepShift.FluxDynamic, ShapesModel.TokensPerSide * ShapesModel.TokensPerSide).Times;
            predictor = LesaPredictor.Load(LesaPredictor.FindIn(ShapesModel.BundledLesaFolder, ModelFingerprint.Of(Model.Transformer), times, BenchmarkMethods.Schedule(fullSteps)));
            predictors[fullSteps] = predictor;
        }

        return predictor;
    }

    public void Dispose()
    {
        foreach (var predictor in predictors.Values)
        {
            predictor.Dispose();
        }

        Model.Dispose();
        Text.Tokens.Dispose();
        Text.Pooled.Dispose();
        NullText.Tokens.Dispose();
        NullText.Pooled.Dispose();
        Noise.Dispose();
    }
}
