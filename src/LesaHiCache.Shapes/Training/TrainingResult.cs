namespace LesaHiCache.Shapes.Training;

/// <summary>What a finished training run produced.</summary>
/// <param name="ModelFolder">The exported (EMA) model.</param>
/// <param name="Steps">Steps trained in total.</param>
/// <param name="FinalLoss">Mean loss of the last log window.</param>
/// <param name="WallTime">Wall time of all runs that produced this model (resumed runs add up).</param>
/// <param name="Losses">(step, mean loss) per log window, across resumed runs.</param>
public sealed record TrainingResult(string ModelFolder, int Steps, double FinalLoss, TimeSpan WallTime, IReadOnlyList<(int Step, double Loss)> Losses);
