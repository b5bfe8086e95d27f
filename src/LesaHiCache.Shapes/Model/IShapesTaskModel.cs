using LesaHiCache.Caching;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Model;

/// <summary>
/// A model trained on one of the bundled shapes tasks, as evaluation, LESA training and the model
/// card use it: prompts from the task's grammar in, images (<see cref="ShapesModel"/>) or clips
/// (<see cref="Video.ShapesVideoModel"/>) out, scored by the task's analytic fidelity scorer.
/// <see cref="ShapesTaskModels.Load"/> opens either from its folder.
/// </summary>
public interface IShapesTaskModel : IDisposable
{
    /// <summary>The bundled model's name: "shapes-flux" or "shapes-video".</summary>
    string Name { get; }

    /// <summary>What one generation item is: "image" or "clip".</summary>
    string ItemName { get; }

    /// <summary>The transformer whose fingerprint LESA predictors are bound to.</summary>
    nn.Module Denoiser { get; }

    /// <summary>Where the parameters live.</summary>
    Device Device { get; }

    /// <summary>The CFG scale generation uses when the options give none (chosen on validation prompts, not evaluation prompts).</summary>
    double DefaultGuidanceScale { get; }

    /// <summary>Image or video tokens per item (they set the dynamic timestep shift).</summary>
    int SequenceTokens { get; }

    /// <summary>The shape of one item's noise: [tokens, channels].</summary>
    IReadOnlyList<long> NoiseShape { get; }

    /// <summary>Frames per item (1 for images).</summary>
    int Frames { get; }

    /// <summary>Side of a frame in pixels.</summary>
    int FrameSize { get; }

    /// <summary>One item per prompt, each from its own noise seed: [B, 3, H, W] or [B, 3, F, H, W] float32 in [-1, 1].</summary>
    Tensor Generate(IReadOnlyList<string> prompts, IReadOnlyList<long> seeds, ShapesGenerationOptions? options = null, Action<SamplerStep>? onStep = null, CacheSession? cache = null, Tensor? noise = null, CancellationToken cancellation = default);

    /// <summary>The task grammar's prompts for <paramref name="seed"/>, endless and deterministic.</summary>
    IEnumerable<string> Prompts(int seed);

    /// <summary>Throws <see cref="Task.PromptException"/> naming the problem when <paramref name="prompt"/> is not a prompt of the task.</summary>
    void CheckPrompt(string prompt);

    /// <summary>One generated item ([3, H, W] or [3, F, H, W]) as 8-bit RGB frames.</summary>
    IReadOnlyList<byte[]> ToRgbFrames(Tensor item);

    /// <summary>The task's prompt fidelity of an item's frames.</summary>
    TaskScore Score(IReadOnlyList<byte[]> frames, string prompt);
}
