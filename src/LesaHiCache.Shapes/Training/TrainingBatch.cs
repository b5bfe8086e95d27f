using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Training;

/// <summary>
/// The deterministic data of one training step: prompts (some dropped to ""), rendered images or
/// clips, noise and flow times, all derived from (data seed, step) so a resumed run sees the same data.
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

    /// <summary>Clean images or clips as packed tokens [B, L, C] in [-1, 1].</summary>
    public Tensor Images { get; }

    public Tensor Noise { get; }

    /// <summary>Flow times [B], logit-normal (sigmoid of a standard normal).</summary>
    public Tensor Times { get; }

    /// <summary>The batch of <paramref name="step"/>: <paramref name="draw"/> gives its clean data from the step's seed.</summary>
    public static TrainingBatch Create(int dataSeed, int step, double dropout, Func<int, TrainingData> draw, Device device)
    {
        var seed = unchecked(dataSeed * 1_000_003 + step); // HashCode.Combine is randomised per process: not reproducible
        var random = new Random(seed);
        using var scope = NewDisposeScope();
        var data = draw(seed);
        var prompts = data.Prompts.Select(p => random.NextDouble() < dropout ? "" : p).ToArray();
        using var generator = new Generator((ulong)(uint)seed, CPU);
        var tokens = data.Tokens;
        var noise = randn(tokens.shape, generator: generator);
        var times = sigmoid(randn([prompts.Length], generator: generator));
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
