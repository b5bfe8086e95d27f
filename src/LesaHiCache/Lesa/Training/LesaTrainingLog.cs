using Microsoft.Extensions.Logging;

namespace LesaHiCache.Lesa.Training;

internal static partial class LesaTrainingLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "LESA training: {Parameters:N0} parameters in {Stages} experts, {Samples} samples in {Episodes} episodes ({Megabytes:F0} MB), schedule {Schedule} ({Forecasts} forecast steps of {Steps}) on {Device}")]
    public static partial void Starting(ILogger logger, long parameters, int stages, int samples, int episodes, double megabytes, string schedule, int forecasts, int steps, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming LESA training at phase 1 step {Phase1}, phase 2 step {Phase2} ({Folder})")]
    public static partial void Resuming(ILogger logger, int phase1, int phase2, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "phase {Phase} step {Step}/{Steps} L1 {Loss:F5} lr {Lr:E2}")]
    public static partial void Progress(ILogger logger, int phase, int step, int steps, double loss, double lr);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint at phase 1 step {Phase1}, phase 2 step {Phase2} written to {Folder}")]
    public static partial void Checkpoint(ILogger logger, int phase1, int phase2, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "LESA training done in {Minutes:F1} min: phase 1 L1 {First1:F5} -> {Last1:F5}, phase 2 L1 {First2:F5} -> {Last2:F5}")]
    public static partial void Done(ILogger logger, double minutes, double first1, double last1, double first2, double last2);

    [LoggerMessage(Level = LogLevel.Information, Message = "validation after phase 1 step {Phase1}, phase 2 step {Phase2}: held-out output PSNR {Psnr:F2} dB")]
    public static partial void Validation(ILogger logger, int phase1, int phase2, double psnr);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trajectory episode {Episode}/{Episodes} ready")]
    public static partial void Episode(ILogger logger, int episode, int episodes);
}
