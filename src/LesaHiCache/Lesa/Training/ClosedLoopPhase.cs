using LesaHiCache.Caching;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// Phase 2: the host's real sampler runs one training episode at a time with the schedule; on every
/// forecast step the predictor forecasts from the history of what the sampler used and takes one
/// optimiser step against the uncached features of that step (<see cref="ClosedLoopForecaster"/>).
/// </summary>
internal sealed class ClosedLoopPhase(ILesaTrainingHost host, LesaPredictor predictor, IReadOnlyList<LesaEpisode> episodes, int forecastStepsPerEpisode, LesaTrainingOptions options)
{
    /// <summary>Optimiser steps of the phase: the options' count rounded up to whole episodes.</summary>
    public int Total => (options.Phase2Steps + forecastStepsPerEpisode - 1) / forecastStepsPerEpisode * forecastStepsPerEpisode;

    /// <summary>
    /// Runs the episode that starts at phase step <paramref name="step"/>; <paramref name="learn"/>
    /// gets each forecast step's loss and phase step. Returns the phase step after the episode.
    /// </summary>
    public int RunEpisode(int step, Action<Tensor, int> learn, CancellationToken cancellation)
    {
        var index = step / forecastStepsPerEpisode;
        var episode = episodes[EpisodeOrder.Of(options.Seed, episodes.Count, index / episodes.Count)[index % episodes.Count]];
        var next = step;
        using (var forecaster = new ClosedLoopForecaster(predictor, episode, host.Device, loss => learn(loss, next++)))
        {
            using var session = new CacheSession(new CacheConfig { Level = LesaForecaster.Level, Forecaster = () => forecaster, Schedule = options.Schedule });
            using var noise = episode.Noise.to(host.Device);
            using var output = host.Generate(episode.Samples, noise, session, cancellation);
        }

        if (next - step != forecastStepsPerEpisode)
        {
            throw new InvalidOperationException($"Phase 2 expected {forecastStepsPerEpisode} forecast steps per episode, the sampler made {next - step}: the host must sample with the trajectories' times.");
        }

        return next;
    }
}
