using Microsoft.Extensions.Logging;

namespace LesaHiCache.Shapes.Training;

/// <summary>The trainer's log messages.</summary>
internal static partial class TrainingLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Training a new model: {Parameters:N0} transformer + {TextParameters:N0} text-encoder parameters, {Steps} steps of {Batch} samples on {Device}")]
    public static partial void Starting(ILogger logger, long parameters, long textParameters, int steps, int batch, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming from step {Step} of {Steps} ({Checkpoint})")]
    public static partial void Resuming(ILogger logger, int step, int steps, string checkpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "step {Step}/{Steps} loss {Loss:F4} lr {Lr:E2} {Rate:F1} samples/s eta {Eta}")]
    public static partial void Progress(ILogger logger, int step, int steps, double loss, double lr, double rate, string eta);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint at step {Step} written to {Folder}")]
    public static partial void Checkpoint(ILogger logger, int step, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancelled at step {Step}; a checkpoint was written, rerun to resume")]
    public static partial void Cancelled(ILogger logger, int step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Done: {Steps} steps, final loss {Loss:F4}, {Minutes:F1} min of training; EMA model written to {Folder}")]
    public static partial void Done(ILogger logger, int steps, double loss, double minutes, string folder);
}
