namespace LesaHiCache.Lesa.Training;

/// <summary>A training progress report.</summary>
/// <param name="Phase">1 (ground-truth history) or 2 (closed loop).</param>
/// <param name="Step">Optimiser steps done in this phase.</param>
/// <param name="Steps">Optimiser steps of this phase.</param>
/// <param name="Loss">Mean L1 loss of the last steps.</param>
public readonly record struct LesaTrainingProgress(int Phase, int Step, int Steps, double Loss);
