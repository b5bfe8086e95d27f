using LesaHiCache.Caching;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// What LESA training needs from a text-to-image pipeline: a set of training samples (prompt and
/// noise seed), their initial noise, and a way to run the full sampler on some of them through a
/// <see cref="CacheSession"/> (which the trainer uses to record trajectories and to forecast in the
/// closed loop). Training samples must be disjoint from the ones a predictor is evaluated on.
/// </summary>
public interface ILesaTrainingHost
{
    /// <summary>A readable model name (stored in the predictor, not checked).</summary>
    string ModelName { get; }

    /// <summary>The model's <see cref="Lesa.ModelFingerprint"/>.</summary>
    string ModelFingerprint { get; }

    /// <summary>
    /// Everything besides the model and the samples that shapes the trajectories (e.g. steps, guidance,
    /// timestep shift, resolution), as text: recorded episodes made under another setup are refused.
    /// </summary>
    string Setup { get; }

    /// <summary>The device the model runs on (the predictor trains there too).</summary>
    Device Device { get; }

    /// <summary>The peak-to-peak range of the outputs, for validation PSNR (2 for images in [-1, 1]).</summary>
    double OutputRange { get; }

    /// <summary>Number of training samples.</summary>
    int SampleCount { get; }

    /// <summary>A readable description of sample <paramref name="sample"/> (e.g. its prompt and seed).</summary>
    string DescribeSample(int sample);

    /// <summary>The initial noise of <paramref name="samples"/>: [n, L, C] float32.</summary>
    Tensor InitialNoise(IReadOnlyList<int> samples);

    /// <summary>
    /// Runs the whole sampler for <paramref name="samples"/> from <paramref name="noise"/> with
    /// <paramref name="cache"/> attached to the transformer (the sampler begins and ends its
    /// generation) and returns its output (e.g. the images; the caller disposes it). Validation
    /// compares the outputs of forecast runs with the uncached ones.
    /// </summary>
    Tensor Generate(IReadOnlyList<int> samples, Tensor noise, CacheSession cache, CancellationToken cancellation);
}
