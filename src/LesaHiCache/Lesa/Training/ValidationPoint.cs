namespace LesaHiCache.Lesa.Training;

/// <summary>A closed-loop validation of the held-out episodes.</summary>
/// <param name="Phase1Step">Phase-1 steps done.</param>
/// <param name="Phase2Step">Phase-2 steps done.</param>
/// <param name="PsnrDb">Mean PSNR per sample of the outputs against the uncached outputs (peak-to-peak range of the host, capped at 100 dB).</param>
public sealed record ValidationPoint(int Phase1Step, int Phase2Step, double PsnrDb);
