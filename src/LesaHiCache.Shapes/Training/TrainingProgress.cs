namespace LesaHiCache.Shapes.Training;

/// <summary>Training progress after a step.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">Mean loss over the last log window.</param>
/// <param name="ImagesPerSecond">Throughput since this run started.</param>
/// <param name="Eta">Estimated time to the last step.</param>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double ImagesPerSecond, TimeSpan Eta);
