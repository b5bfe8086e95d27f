using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Evaluation;

namespace LesaHiCache.Lesa.Training;

/// <summary>The held-out episodes generated with the predictor forecasting, against their uncached outputs.</summary>
internal sealed class HeldOutValidation(ILesaTrainingHost host, IReadOnlyList<LesaEpisode> episodes, ICacheSchedule schedule)
{
    /// <summary>PSNR given to an output identical to its reference (so that a mean stays finite).</summary>
    public const double MaxPsnrDb = 100;

    /// <summary>Whether there is anything to validate on.</summary>
    public bool Any => episodes.Count > 0;

    /// <summary>Episodes held out.</summary>
    public int Count => episodes.Count;

    /// <summary>Mean PSNR per sample (dB, the host's peak-to-peak range, capped at <see cref="MaxPsnrDb"/>).</summary>
    public double Psnr(LesaPredictor predictor, CancellationToken cancellation) =>
        MeanPsnr(host, episodes, new CacheConfig { Level = LesaForecaster.Level, Forecaster = () => new LesaForecaster(predictor), Schedule = schedule }, cancellation);

    /// <summary>
    /// Generates <paramref name="episodes"/> from their recorded noise with a fresh session of
    /// <paramref name="config"/> each and returns the mean PSNR per sample against the recorded
    /// uncached outputs (dB, the host's peak-to-peak range, capped at <see cref="MaxPsnrDb"/>).
    /// </summary>
    public static double MeanPsnr(ILesaTrainingHost host, IEnumerable<LesaEpisode> episodes, CacheConfig config, CancellationToken cancellation)
    {
        var psnr = new List<double>();
        foreach (var episode in episodes)
        {
            cancellation.ThrowIfCancellationRequested();
            using var session = new CacheSession(config);
            using var noise = episode.Noise.to(host.Device);
            using var output = host.Generate(episode.Samples, noise, session, cancellation);
            using var reference = episode.Output.to(output.device);
            psnr.AddRange(ImageMetrics.PsnrDb(output, reference, host.OutputRange).Select(db => Math.Min(MaxPsnrDb, db)));
        }

        return psnr.Average();
    }
}
