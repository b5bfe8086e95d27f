using System.CommandLine;
using System.Globalization;
using LesaHiCache.Lesa.Training;
using LesaHiCache.Shapes.Evaluation;
using LesaHiCache.Shapes.Lesa;
using LesaHiCache.Shapes.Model;

namespace LesaHiCache.Cli;

/// <summary>
/// The training samples and sampler of the commands that record uncached trajectories of a shapes
/// model (<c>train-lesa</c>, <c>search-schedule</c>): the same options and defaults, so that both can
/// share one trajectory folder.
/// </summary>
internal sealed class TrajectoryOptions
{
    private static readonly EvaluationOptions Evaluation = new();
    private readonly Option<string?> model = new("--model") { Description = "A shapes model folder, image or video (default: the bundled image model)." };
    private readonly Option<string?> work = new("--work") { Description = "Folder for trajectories/ (and train-lesa's checkpoint/); default <output>.work; rerun to resume." };
    private readonly Option<string?> trajectories = new("--trajectories") { Description = "Trajectory folder (default: <work>/trajectories); share it between commands on one model and sampler." };
    private readonly Option<int> steps = new("--steps") { Description = "Sampler steps.", DefaultValueFactory = _ => Evaluation.Steps };
    private readonly Option<double?> guidance = GuidanceOption.Create();
    private readonly Option<int> prompts = new("--prompts") { Description = "Training prompts.", DefaultValueFactory = _ => 100 };
    private readonly Option<int> seedsPerPrompt = new("--seeds-per-prompt") { Description = "Noise seeds per training prompt.", DefaultValueFactory = _ => 3 };
    private readonly Option<int> promptSeed = new("--prompt-seed") { Description = "Grammar seed of the training prompts.", DefaultValueFactory = _ => 4242 };
    private readonly Option<long> noiseSeed = new("--noise-seed") { Description = "First noise seed of the training samples.", DefaultValueFactory = _ => 100_000 };
    private readonly Option<int> excludePromptSeed = new("--exclude-prompt-seed") { Description = "Grammar seed of the evaluation prompts kept out of training.", DefaultValueFactory = _ => Evaluation.PromptSeed };
    private readonly Option<int> excludePrompts = new("--exclude-prompts") { Description = "How many evaluation prompts to keep out.", DefaultValueFactory = _ => 256 };
    private readonly Option<int> episode = new("--episode") { Description = "Samples per recorded generation (episode).", DefaultValueFactory = _ => 12 };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { model, work, trajectories, steps, guidance, prompts, seedsPerPrompt, promptSeed, noiseSeed, excludePromptSeed, excludePrompts, episode })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Reads and checks the options and the command's <paramref name="outputPath"/> (before any work);
    /// the work folder defaults to the output path + ".work", the trajectory folder to work/trajectories.
    /// </summary>
    public Choice Read(ParseResult parse, string outputPath)
    {
        var modelFolder = parse.GetValue(model) ?? ShapesModel.BundledFolder;
        CliChecks.ShapesModelFolder(modelFolder, parse.GetValue(model) is null ? "the bundled model" : "--model");
        CliChecks.WritableFile(outputPath, "--output");
        var workFolder = parse.GetValue(work) ?? outputPath + ".work";
        CliChecks.WritableFolder(workFolder, "--work");
        CliChecks.WritableFolder(parse.GetValue(trajectories), "--trajectories");
        foreach (var (value, minimum, name) in new[] { (parse.GetValue(steps), 1, "--steps"), (parse.GetValue(prompts), 1, "--prompts"), (parse.GetValue(seedsPerPrompt), 1, "--seeds-per-prompt"), (parse.GetValue(episode), 1, "--episode"), (parse.GetValue(excludePrompts), 0, "--exclude-prompts") })
        {
            CliChecks.AtLeast(value, minimum, name);
        }

        return new Choice(
            modelFolder,
            workFolder,
            parse.GetValue(prompts),
            parse.GetValue(seedsPerPrompt),
            parse.GetValue(promptSeed),
            parse.GetValue(noiseSeed),
            parse.GetValue(excludePromptSeed),
            parse.GetValue(excludePrompts),
            parse.GetValue(episode),
            parse.GetValue(trajectories) ?? Path.Combine(workFolder, "trajectories"),
            new ShapesGenerationOptions { Steps = parse.GetValue(steps), GuidanceScale = parse.GetValue(guidance) ?? ShapesTaskModels.DefaultGuidanceScale(modelFolder) });
    }

    /// <summary>The chosen samples and sampler.</summary>
    internal sealed record Choice(string ModelFolder, string WorkFolder, int Prompts, int SeedsPerPrompt, int PromptSeed, long NoiseSeed, int ExcludedSeed, int ExcludedCount, int Episode, string Folder, ShapesGenerationOptions Generation)
    {
        /// <summary>The training host of <paramref name="model"/> for these samples (the evaluation prompts left out).</summary>
        public ShapesLesaHost Host(IShapesTaskModel model)
        {
            var excluded = model.Prompts(ExcludedSeed).Take(ExcludedCount).ToHashSet(StringComparer.Ordinal);
            return ShapesLesaHost.ForTraining(model, Prompts, SeedsPerPrompt, PromptSeed, NoiseSeed, excluded, Generation);
        }

        /// <summary>Records (or loads) the uncached trajectories of every sample of <paramref name="host"/> with a progress bar.</summary>
        public LesaTrajectories Collect(ShapesLesaHost host, CancellationToken cancellation) =>
            CliLogging.WithProgress("recording trajectories", report => LesaTrajectories.Collect(
                host,
                [.. Enumerable.Range(0, host.SampleCount)],
                Episode,
                Folder,
                (done, total) =>
                {
                    report((double)done / total, string.Create(CultureInfo.InvariantCulture, $"episode {done}/{total}"));
                    if (!CliLogging.Interactive)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trajectory episode {done}/{total}"));
                    }
                },
                cancellation));

        /// <summary>One line describing the samples, for files that record how they were made.</summary>
        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Prompts} grammar prompts (seed {PromptSeed}, none among the first {ExcludedCount} of evaluation seed {ExcludedSeed}) x {SeedsPerPrompt} noise seeds from {NoiseSeed}, {Generation.Steps} steps, CFG {Generation.GuidanceScale}");
    }
}
