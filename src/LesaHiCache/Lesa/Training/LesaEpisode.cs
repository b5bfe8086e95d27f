using LesaHiCache.Caching;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>One generation batch of a trajectory set: its samples, their initial noise, the features of every step and the output.</summary>
public sealed class LesaEpisode : IDisposable
{
    internal LesaEpisode(IReadOnlyList<int> samples, Tensor noise, Tensor output, Dictionary<CacheItemKey, Tensor> features, CfgLayout cfg)
    {
        Samples = samples;
        Noise = noise;
        Output = output;
        Features = features;
        Cfg = cfg;
    }

    /// <summary>The host's sample indices.</summary>
    public IReadOnlyList<int> Samples { get; }

    /// <summary>Initial noise [n, L, C] float32 (host memory).</summary>
    public Tensor Noise { get; }

    /// <summary>The uncached run's output (what the host's Generate returns), float32 (host memory).</summary>
    public Tensor Output { get; }

    /// <summary>Per cached item (e.g. branch 0's "hidden"), its value at every step: [S, ...] float16 (host memory).</summary>
    public IReadOnlyDictionary<CacheItemKey, Tensor> Features { get; }

    /// <summary>How the recorded sampler evaluated CFG (which rows or calls of the items are unconditional).</summary>
    public CfgLayout Cfg { get; }

    /// <summary>Bytes held.</summary>
    public long Bytes => (Noise.NumberOfElements * Noise.ElementSize) + (Output.NumberOfElements * Output.ElementSize) + Features.Values.Sum(t => t.NumberOfElements * t.ElementSize);

    /// <inheritdoc />
    public void Dispose()
    {
        Noise.Dispose();
        Output.Dispose();
        foreach (var tensor in Features.Values)
        {
            tensor.Dispose();
        }
    }
}
