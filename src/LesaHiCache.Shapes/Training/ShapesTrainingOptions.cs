using LesaHiCache.Models.Flux;

namespace LesaHiCache.Shapes.Training;

/// <summary>Rectified-flow training settings for the bundled model.</summary>
public sealed record ShapesTrainingOptions
{
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 2500;

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak AdamW learning rate (after linear warm-up; cosine decay to 10% of it).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Gradient-norm clip.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>EMA decay of the exported weights (warmed up as min(decay, (1 + step) / (10 + step))).</summary>
    public double EmaDecay { get; init; } = 0.998;

    /// <summary>Share of prompts replaced by the empty prompt, for classifier-free guidance.</summary>
    public double ConditioningDropout { get; init; } = 0.1;

    /// <summary>Share of training prompts with two objects (the harder half of the task: which attributes go with which object).</summary>
    public double TwoObjectShare { get; init; } = 0.7;

    /// <summary>Share of still objects in the video model's training prompts (the image model has none).</summary>
    public double StillShare { get; init; } = 0.25;

    /// <summary>Seed of the training data stream (prompts, noise and times of step s derive from it and s).</summary>
    public int DataSeed { get; init; } = 1;

    /// <summary>Seed of the parameter initialisation.</summary>
    public int InitSeed { get; init; }

    /// <summary>Steps between checkpoints (also written at the end and on cancellation).</summary>
    public int CheckpointEvery { get; init; } = 250;

    /// <summary>Steps between log lines.</summary>
    public int LogEvery { get; init; } = 50;

    /// <summary>The transformer to train; <see cref="Model.ShapesModel.DefaultTransformerConfig"/> when null.</summary>
    public FluxTransformerConfig? Transformer { get; init; }

    /// <summary>Torch intra-op threads (0 keeps TorchSharp's default).</summary>
    public int Threads { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 1, nameof(Steps));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate, nameof(LearningRate));
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSteps, nameof(WarmupSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointEvery, 1, nameof(CheckpointEvery));
        ArgumentOutOfRangeException.ThrowIfLessThan(LogEvery, 1, nameof(LogEvery));
        if (EmaDecay is < 0 or >= 1 || ConditioningDropout is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EmaDecay), "EmaDecay must be in [0, 1) and ConditioningDropout in [0, 1].");
        }

        if (TwoObjectShare is < 0 or > 1 || double.IsNaN(TwoObjectShare))
        {
            throw new ArgumentOutOfRangeException(nameof(TwoObjectShare), TwoObjectShare, "TwoObjectShare must be in [0, 1].");
        }

        if (StillShare is < 0 or > 1 || double.IsNaN(StillShare))
        {
            throw new ArgumentOutOfRangeException(nameof(StillShare), StillShare, "StillShare must be in [0, 1].");
        }
    }
}
