using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Training;

/// <summary>
/// The deterministic data of one training step: prompts (some dropped to ""), rendered images,
/// noise and flow times, all derived from (data seed, step) so a resumed run sees the same data.
/// </summary>
internal sealed class TrainingBatch : IDisposable
{
    private TrainingBatch(string[] prompts, Tensor images, Tensor noise, Tensor times)
    {
        Prompts = prompts;
        Images = images;
        Noise = noise;
        Times = times;
    }

    public string[] Prompts { get; }

    /// <summary>Clean images as packed tokens [B, 64, 48] in [-1, 1].</summary>
    public Tensor Images { get; }

    public Tensor Noise { get; }

    /// <summary>Flow times [B], logit-normal (sigmoid of a standard normal).</summary>
    public Tensor Times { get; }

    public static TrainingBatch Create(int dataSeed, int step, int batchSize, double dropout, double twoObjectShare, Device device)
    {
        var seed = unchecked(dataSeed * 1_000_003 + step); // HashCode.Combine is randomised per process: not reproducible
        var grammar = new PromptGrammar(seed, twoObjectShare);
        var random = new Random(seed);
        var scenes = grammar.Take(batchSize);
        var prompts = scenes.Select(s => random.NextDouble() < dropout ? "" : s.Text).ToArray();
        using var scope = NewDisposeScope();
        var images = stack(scenes.Select(s => ShapesModel.FromRgb(SceneRenderer.Render(s))).ToList());
        using var generator = new Generator((ulong)(uint)seed, CPU);
        var tokens = ShapesModel.ToTokens(images);
        var noise = randn(tokens.shape, generator: generator);
        var times = sigmoid(randn([batchSize], generator: generator));
        return new TrainingBatch(
            prompts,
            tokens.to(device).MoveToOuterDisposeScope(),
            noise.to(device).MoveToOuterDisposeScope(),
            times.to(device).MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        Images.Dispose();
        Noise.Dispose();
        Times.Dispose();
    }
}
