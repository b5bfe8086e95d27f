using LesaHiCache.Shapes.Model;

namespace LesaHiCache.Shapes.Evaluation;

/// <summary>Settings of one evaluation run.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Sampler steps.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Number of prompts, drawn from the task grammar with <see cref="PromptSeed"/>.</summary>
    public int Prompts { get; init; } = 32;

    /// <summary>Seed of the prompt sample.</summary>
    public int PromptSeed { get; init; } = 20261125;

    /// <summary>Prompts the sample skips (e.g. the evaluation prompts, when choosing settings on validation prompts).</summary>
    public IReadOnlySet<string> ExcludedPrompts { get; init; } = new HashSet<string>();

    /// <summary>Noise seed of prompt 0 (prompt i uses NoiseSeed + i).</summary>
    public long NoiseSeed { get; init; } = 7000;

    /// <summary>Images per generation.</summary>
    public int Batch { get; init; } = 8;

    /// <summary>
    /// Timing repeats (medians are reported); images come from the first. 0 (the default): enough
    /// repeats for at least <see cref="MinPairs"/> paired batches.
    /// </summary>
    public int Repeats { get; init; }

    /// <summary>Paired batches the default repeats give at least: fewer pairs make a median that a slow spell of the machine can move.</summary>
    public const int MinPairs = 12;

    /// <summary>The repeats a run makes: <see cref="Repeats"/>, or enough for <see cref="MinPairs"/> pairs.</summary>
    public int ResolvedRepeats => Repeats > 0 ? Repeats : Math.Max(1, (MinPairs + Batches - 1) / Batches);

    /// <summary>Batches per repeat.</summary>
    public int Batches => (Prompts + Batch - 1) / Batch;

    /// <summary>CFG scale of the generations; null (default): the model's <see cref="IShapesTaskModel.DefaultGuidanceScale"/>.</summary>
    public double? GuidanceScale { get; init; }

    /// <summary>Where <c>lesa</c> without a path looks for a predictor matching the schedule (the bundled image model's predictors by default; the video model's are in <see cref="Video.ShapesVideoModel.BundledLesaFolder"/>).</summary>
    public string PredictorFolder { get; init; } = ShapesModel.BundledLesaFolder;
}
