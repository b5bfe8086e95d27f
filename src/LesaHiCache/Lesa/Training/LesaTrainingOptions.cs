using LesaHiCache.Caching.Schedules;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// Options of LESA training (docs/algorithms.md, section 6): the caching schedule the predictor is for,
/// its shape, the two phases' lengths, and the optimiser (AdamW lr 1e-4, weight decay 1e-4,
/// gradient-norm clip 1.0, StepLR(500, 0.5) within each phase; phase 2 keeps phase 1's AdamW moments).
/// </summary>
public sealed record LesaTrainingOptions
{
    /// <summary>When the model computes fully; the predictor forecasts the other steps.</summary>
    public required ICacheSchedule Schedule { get; init; }

    /// <summary>Stages, history lengths and KAN shape.</summary>
    public LesaConfig Config { get; init; } = LesaConfig.Default;

    /// <summary>Whether the CFG halves get their own experts (<see cref="LesaPredictor.DefaultCfgExperts"/> by default).</summary>
    public LesaCfgExperts CfgExperts { get; init; } = LesaPredictor.DefaultCfgExperts;

    /// <summary>Phase 1 (ground-truth history) optimiser steps, one per would-be forecast step.</summary>
    public int Phase1Steps { get; init; } = 2000;

    /// <summary>Phase 2 (closed loop with the real model) optimiser steps, rounded up to whole episodes.</summary>
    public int Phase2Steps { get; init; } = 1000;

    /// <summary>Episodes whose rows are batched into one phase-1 step.</summary>
    public int EpisodesPerStep { get; init; } = 2;

    /// <summary>AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Gradient-norm clip.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>StepLR step size (optimiser steps).</summary>
    public int LearningRateStepSize { get; init; } = 500;

    /// <summary>StepLR factor.</summary>
    public double LearningRateGamma { get; init; } = 0.5;

    /// <summary>Seed of the initialisation and of the episode order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Optimiser steps between checkpoints (phase 2 checkpoints at the next episode end).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>
    /// Episodes held out of training (the last ones): after phase 1 and every <see cref="ValidateEvery"/>
    /// phase-2 steps they are generated with the predictor forecasting, and the weights whose outputs
    /// are closest to the uncached outputs (highest mean PSNR per sample) are the ones returned. 0: keep the final weights.
    /// </summary>
    public int ValidationEpisodes { get; init; } = 2;

    /// <summary>Phase-2 steps between validations (at the next episode end).</summary>
    public int ValidateEvery { get; init; } = 200;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Schedule);
        Config.Validate();
        if (!Enum.IsDefined(CfgExperts))
        {
            throw new ArgumentOutOfRangeException(nameof(CfgExperts), CfgExperts, "Unknown CFG variant.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Phase1Steps);
        ArgumentOutOfRangeException.ThrowIfNegative(Phase2Steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(EpisodesPerStep, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(LearningRateStepSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointEvery, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(ValidationEpisodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(ValidateEvery, 1);
        if (!(LearningRate > 0) || !(WeightDecay >= 0) || !(GradientClip > 0) || !(LearningRateGamma > 0))
        {
            throw new ArgumentException("Learning rate, gradient clip and gamma must be positive, weight decay non-negative.");
        }

        if (Schedule is not PlannedSchedule)
        {
            throw new ArgumentException($"LESA trains for a schedule whose full steps are known in advance; {Schedule.Name} decides while sampling.");
        }
    }

    private bool PrintMembers(System.Text.StringBuilder builder) => Printed.Members(this, builder);
}
