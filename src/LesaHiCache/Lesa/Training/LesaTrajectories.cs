using System.Globalization;
using System.Text.Json;
using LesaHiCache.Caching;
using LesaHiCache.Caching.Forecasting;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Sampling;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// Uncached trajectories of a model on training samples: per episode (one generation batch) the
/// initial noise, the model-level features of every step and the sampler's output, kept (the
/// features in float16) in host memory and in
/// one safetensors file per episode (<c>episode-0000.safetensors</c>, ...) in a folder, so that an
/// interrupted collection resumes with the next missing episode.
/// </summary>
public sealed class LesaTrajectories : IDisposable
{
    private const string MetadataKey = "lesa-trajectory";
    private const string NoiseKey = "noise";
    private const string OutputKey = "output";
    private const string FeaturePrefix = "features.";
    private readonly List<LesaEpisode> episodes;

    private LesaTrajectories(string modelFingerprint, IReadOnlyList<double> times, List<LesaEpisode> episodes)
    {
        ModelFingerprint = modelFingerprint;
        Times = times;
        this.episodes = episodes;
    }

    /// <summary>The fingerprint of the model that produced them.</summary>
    public string ModelFingerprint { get; }

    /// <summary>The sampler times t_0 = 1 .. t_S = 0.</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>Sampler steps S.</summary>
    public int Steps => Times.Count - 1;

    /// <summary>The episodes.</summary>
    public IReadOnlyList<LesaEpisode> Episodes => episodes;

    /// <summary>Number of samples over all episodes.</summary>
    public int SampleCount => episodes.Sum(e => e.Samples.Count);

    /// <summary>Bytes of features and noise held in memory (the same as on disk, less headers).</summary>
    public long Bytes => episodes.Sum(e => e.Bytes);

    /// <summary>
    /// Runs the host's full sampler on <paramref name="samples"/> in episodes of
    /// <paramref name="samplesPerEpisode"/>, recording model-level features at every step, and saves
    /// each episode into <paramref name="folder"/>; episodes already there (from the same model) are loaded instead.
    /// </summary>
    public static LesaTrajectories Collect(
        ILesaTrainingHost host,
        IReadOnlyList<int> samples,
        int samplesPerEpisode,
        string folder,
        Action<int, int>? onEpisode = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerEpisode, 1);
        if (samples.Count == 0)
        {
            throw new ArgumentException("No training samples.", nameof(samples));
        }

        Directory.CreateDirectory(folder);
        var fingerprint = host.ModelFingerprint;
        var chunks = samples.Chunk(samplesPerEpisode).ToList();
        var collected = new List<LesaEpisode>();
        IReadOnlyList<double>? times = null;
        try
        {
            for (var e = 0; e < chunks.Count; e++)
            {
                cancellation.ThrowIfCancellationRequested();
                var path = EpisodePath(folder, e);
                LesaEpisode episode;
                IReadOnlyList<double> episodeTimes;
                if (File.Exists(path))
                {
                    (episode, episodeTimes, var metadata) = LoadEpisode(path);
                    if (metadata.ModelFingerprint != fingerprint || metadata.Setup != host.Setup
                        || !episode.Samples.SequenceEqual(chunks[e]) || !metadata.Descriptions.SequenceEqual(chunks[e].Select(host.DescribeSample)))
                    {
                        episode.Dispose();
                        throw new InvalidOperationException($"'{path}' holds trajectories of another model, setup ({metadata.Setup}) or other samples: use an empty folder.");
                    }
                }
                else
                {
                    (episode, episodeTimes) = Record(host, chunks[e], cancellation);
                    SaveEpisode(path, episode, episodeTimes, fingerprint, host);
                }

                collected.Add(episode);
                if (times is not null && !times.SequenceEqual(episodeTimes))
                {
                    throw new InvalidOperationException($"Episode {e} was sampled with other times than episode 0.");
                }

                times ??= episodeTimes;
                onEpisode?.Invoke(e + 1, chunks.Count);
            }
        }
        catch
        {
            foreach (var episode in collected)
            {
                episode.Dispose();
            }

            throw;
        }

        return new LesaTrajectories(fingerprint, times!, collected);
    }

    /// <summary>Loads every episode file of <paramref name="folder"/>.</summary>
    public static LesaTrajectories Load(string folder)
    {
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "episode-*.safetensors").Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"No trajectory episodes in '{folder}'.");
        }

        var loaded = new List<LesaEpisode>();
        string? fingerprint = null;
        IReadOnlyList<double>? times = null;
        foreach (var file in files)
        {
            var (episode, episodeTimes, metadata) = LoadEpisode(file);
            var episodeFingerprint = metadata.ModelFingerprint;
            loaded.Add(episode);
            if ((fingerprint is not null && fingerprint != episodeFingerprint) || (times is not null && !times.SequenceEqual(episodeTimes)))
            {
                foreach (var e in loaded)
                {
                    e.Dispose();
                }

                throw new InvalidOperationException($"'{file}' comes from another model or schedule than '{files[0]}'.");
            }

            fingerprint = episodeFingerprint;
            times = episodeTimes;
        }

        return new LesaTrajectories(fingerprint!, times!, loaded);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var episode in episodes)
        {
            episode.Dispose();
        }

        episodes.Clear();
    }

    private static string EpisodePath(string folder, int episode) =>
        Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"episode-{episode:D4}.safetensors"));

    private static (LesaEpisode Episode, IReadOnlyList<double> Times) Record(ILesaTrainingHost host, int[] samples, CancellationToken cancellation)
    {
        using var recorder = new TrajectoryRecorder();
        var noise = host.InitialNoise(samples).to_type(ScalarType.Float32).cpu().DetachFromDisposeScope();
        try
        {
            var config = new CacheConfig { Level = LesaForecaster.Level, Forecaster = () => new Fora(), Schedule = new FixedIntervalSchedule(1, warmup: 0) };
            using var session = new CacheSession(config, recorder);
            using var generated = host.Generate(samples, noise, session, cancellation);
            var output = generated.detach().to_type(ScalarType.Float32).cpu().clone().DetachFromDisposeScope();
            var generation = recorder.Generation ?? throw new InvalidOperationException("The host did not run the sampler through the cache session.");
            var features = recorder.Take();
            if (features.Count == 0)
            {
                output.Dispose();
                throw new InvalidOperationException("The host's model recorded no model-level features: attach the cache session to its transformer.");
            }

            return (new LesaEpisode(samples, noise, output, features, generation.Cfg), [.. generation.Times]);
        }
        catch
        {
            noise.Dispose();
            throw;
        }
    }

    private static void SaveEpisode(string path, LesaEpisode episode, IReadOnlyList<double> times, string fingerprint, ILesaTrainingHost host)
    {
        var tensors = new Dictionary<string, Tensor> { [NoiseKey] = episode.Noise, [OutputKey] = episode.Output };
        foreach (var (item, features) in episode.Features)
        {
            tensors[FeaturePrefix + item] = features;
        }

        var metadata = new EpisodeMetadata(fingerprint, host.Setup, [.. times], [.. episode.Samples], [.. episode.Samples.Select(host.DescribeSample)], episode.Cfg);
        WeightsSaver.Save(tensors, path, new WeightsSaveOptions { Metadata = new Dictionary<string, string> { [MetadataKey] = JsonSerializer.Serialize(metadata) } });
    }

    private static (LesaEpisode Episode, IReadOnlyList<double> Times, EpisodeMetadata Metadata) LoadEpisode(string path)
    {
        var header = SafetensorsHeader.Read(path);
        if (!header.Metadata.TryGetValue(MetadataKey, out var json))
        {
            throw new FormatException($"'{path}' is not a LESA trajectory episode.");
        }

        var metadata = JsonSerializer.Deserialize<EpisodeMetadata>(json) ?? throw new FormatException($"'{path}': empty metadata.");
        if (!header.Tensors.ContainsKey(NoiseKey) || !header.Tensors.ContainsKey(OutputKey) || metadata.Cfg is null)
        {
            throw new FormatException($"'{path}' lacks the noise, the output or the CFG layout of its episode (recorded by an older version?): record the trajectories again.");
        }

        var targets = header.Tensors.ToDictionary(
            p => p.Key,
            p => empty([.. p.Value.Shape], SafetensorsDType.ToScalarType(p.Value.DType) ?? throw new FormatException($"'{path}': unsupported dtype {p.Value.DType}.")).DetachFromDisposeScope());
        try
        {
            WeightsLoader.Load(targets, path, new WeightsLoadOptions { ExactDtype = true });
        }
        catch
        {
            foreach (var tensor in targets.Values)
            {
                tensor.Dispose();
            }

            throw;
        }

        Dictionary<CacheItemKey, Tensor> features;
        try
        {
            features = targets.Where(p => p.Key.StartsWith(FeaturePrefix, StringComparison.Ordinal)).ToDictionary(p => CacheItemKey.Parse(p.Key[FeaturePrefix.Length..]), p => p.Value);
        }
        catch (FormatException e)
        {
            foreach (var tensor in targets.Values)
            {
                tensor.Dispose();
            }

            throw new FormatException($"'{path}': {e.Message}", e);
        }

        return (new LesaEpisode(metadata.Samples, targets[NoiseKey], targets[OutputKey], features, metadata.Cfg.Value), metadata.Times, metadata);
    }

    private sealed record EpisodeMetadata(string ModelFingerprint, string Setup, double[] Times, int[] Samples, string[] Descriptions, [property: System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CfgLayout>))] CfgLayout? Cfg);
}
