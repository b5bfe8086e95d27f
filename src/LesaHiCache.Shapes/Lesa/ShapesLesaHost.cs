using System.Globalization;
using LesaHiCache.Caching;
using LesaHiCache.Lesa.Training;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Lesa;

/// <summary>
/// LESA training samples for a shapes task model (image or video): grammar prompts, each with several noise seeds,
/// generated with the given sampler options (steps, CFG, shift). Prompts that occur in an excluded
/// (evaluation) set are skipped, so training and evaluation never share a prompt.
/// </summary>
public sealed class ShapesLesaHost : ILesaTrainingHost
{
    private readonly IShapesTaskModel model;
    private readonly ShapesGenerationOptions options;
    private readonly List<(string Prompt, long Seed)> samples;
    private string? fingerprint;

    /// <summary>Creates a host over explicit (prompt, seed) samples.</summary>
    public ShapesLesaHost(IShapesTaskModel model, IReadOnlyList<(string Prompt, long Seed)> samples, ShapesGenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        this.model = model;
        var given = options ?? new ShapesGenerationOptions();
        this.options = given with { Cache = null, GuidanceScale = given.GuidanceFor(model) };
        this.samples = [.. samples];
        foreach (var (prompt, _) in this.samples)
        {
            model.CheckPrompt(prompt);
        }
    }

    /// <summary>
    /// <paramref name="prompts"/> grammar prompts of <paramref name="promptSeed"/> not in <paramref name="excluded"/>,
    /// each with <paramref name="seedsPerPrompt"/> noise seeds from <paramref name="firstNoiseSeed"/> on.
    /// </summary>
    public static ShapesLesaHost ForTraining(IShapesTaskModel model, int prompts, int seedsPerPrompt, int promptSeed, long firstNoiseSeed, IReadOnlySet<string> excluded, ShapesGenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(excluded);
        ArgumentOutOfRangeException.ThrowIfLessThan(prompts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(seedsPerPrompt, 1);
        ArgumentNullException.ThrowIfNull(model);
        var chosen = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tries = 0;
        foreach (var text in model.Prompts(promptSeed))
        {
            if (chosen.Count == prompts)
            {
                break;
            }

            if (++tries > 100 * prompts)
            {
                throw new InvalidOperationException($"Could not draw {prompts} distinct training prompts outside the excluded set.");
            }

            if (!excluded.Contains(text) && seen.Add(text))
            {
                chosen.Add(text);
            }
        }

        var pairs = new List<(string, long)>();
        var seed = firstNoiseSeed;
        foreach (var prompt in chosen)
        {
            for (var i = 0; i < seedsPerPrompt; i++)
            {
                pairs.Add((prompt, seed++));
            }
        }

        return new ShapesLesaHost(model, pairs, options);
    }

    /// <summary>The training samples.</summary>
    public IReadOnlyList<(string Prompt, long Seed)> Samples => samples;

    /// <summary>The sampler options.</summary>
    public ShapesGenerationOptions Options => options;

    /// <inheritdoc />
    public string ModelName => model.Name;

    /// <inheritdoc />
    public string ModelFingerprint => fingerprint ??= global::LesaHiCache.Lesa.ModelFingerprint.Of(model.Denoiser);

    /// <inheritdoc />
    public Device Device => model.Device;

    /// <inheritdoc />
    public double OutputRange => 2.0;

    /// <inheritdoc />
    public string Setup => string.Create(CultureInfo.InvariantCulture, $"{options.Steps} steps, CFG {options.GuidanceScale}, shift {options.Shift}, {(model.Frames > 1 ? $"{model.Frames} frames of " : "")}{model.FrameSize}x{model.FrameSize}");

    /// <inheritdoc />
    public int SampleCount => samples.Count;

    /// <inheritdoc />
    public string DescribeSample(int sample) => string.Create(CultureInfo.InvariantCulture, $"{samples[sample].Prompt} | seed {samples[sample].Seed}");

    /// <inheritdoc />
    public Tensor InitialNoise(IReadOnlyList<int> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return SeededNoise.Draw([.. samples.Select(i => this.samples[i].Seed)], [.. model.NoiseShape], Device);
    }

    /// <inheritdoc />
    public Tensor Generate(IReadOnlyList<int> samples, Tensor noise, CacheSession cache, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var chosen = samples.Select(i => this.samples[i]).ToList();
        return model.Generate([.. chosen.Select(s => s.Prompt)], [.. chosen.Select(s => s.Seed)], options, cache: cache, noise: noise, cancellation: cancellation);
    }
}
