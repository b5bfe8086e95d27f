namespace LesaHiCache.Lesa.Training;

/// <summary>The outcome of a training run.</summary>
/// <param name="Predictor">The trained predictor (the caller disposes it).</param>
/// <param name="Phase1">Mean L1 loss of the first and the last 100 steps of phase 1.</param>
/// <param name="Phase2">Mean L1 loss of the first and the last episodes' steps of phase 2.</param>
/// <param name="Wall">Wall time of both phases (over resumed runs).</param>
/// <param name="Phase1Losses">The L1 loss of every phase-1 step.</param>
/// <param name="Phase2Losses">The L1 loss of every phase-2 step.</param>
/// <param name="Validations">The validations, in order (the predictor has the weights of the highest PSNR).</param>
public sealed record LesaTrainingResult(
    LesaPredictor Predictor,
    (double First, double Last) Phase1,
    (double First, double Last) Phase2,
    TimeSpan Wall,
    IReadOnlyList<float> Phase1Losses,
    IReadOnlyList<float> Phase2Losses,
    IReadOnlyList<ValidationPoint> Validations);
