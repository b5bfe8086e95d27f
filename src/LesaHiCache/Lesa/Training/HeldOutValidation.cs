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
    public double Psnr(LesaPredictor predictor, CancellationToken cancellation)
    {
        var psnr = new List<double>();
        foreach (var episode in episodes)
        {
            using var session = new CacheSession(new CacheConfig { Level = LesaForecaster.Level, Forecaster = () => new LesaForecaster(predictor), Schedule = schedule });
            using var noise = episode.Noise.to(host.Device);
            using var output = host.Generate(episode.Samples, noise, session, cancellation);
            using var reference = episode.Output.to(output.device);
            psnr.AddRange(ImageMetrics.PsnrDb(output, reference, host.OutputRange).Select(db => Math.Min(MaxPsnrDb, db)));
        }

        return psnr.Average();
    }
}
