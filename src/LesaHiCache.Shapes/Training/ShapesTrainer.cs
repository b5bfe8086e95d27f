using LesaHiCache.Models.Flux;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Training;

/// <summary>
/// Rectified-flow training of the text-to-image <see cref="ShapesModel"/> on the shapes task
/// (<see cref="RectifiedFlowTrainer"/>: AdamW with warm-up and cosine decay, conditioning dropout,
/// EMA weights, resumable checkpoints in <c>{output}/checkpoint</c>).
/// </summary>
public sealed class ShapesTrainer(ShapesTrainingOptions options, ILogger logger)
{
    /// <summary>Trains (or resumes) and exports the EMA model to <paramref name="outputFolder"/>.</summary>
    public TrainingResult Train(string outputFolder, Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trainer = new RectifiedFlowTrainer(options, logger, build => new Trainee(ShapesModel.Create(build, options.Transformer)), Draw);
        return trainer.Train(outputFolder, device, progress, cancellation);
    }

    private TrainingData Draw(int seed)
    {
        var scenes = new PromptGrammar(seed, options.TwoObjectShare).Take(options.BatchSize);
        using var scope = NewDisposeScope();
        var images = stack(scenes.Select(s => ShapesModel.FromRgb(SceneRenderer.Render(s))).ToList());
        return new TrainingData([.. scenes.Select(s => s.Text)], ShapesModel.ToTokens(images).MoveToOuterDisposeScope());
    }

    private sealed class Trainee(ShapesModel model) : ShapesFlowTrainee(model.TextEncoder, model.Transformer)
    {
        private readonly Tensor imageIds = FluxPositions.ImageIds(ShapesModel.TokensPerSide, ShapesModel.TokensPerSide, model.Device);
        private readonly Tensor textIds = zeros(model.TextTokens, 3, ScalarType.Int64, model.Device);

        public override Tensor Velocity(Tensor noisy, IReadOnlyList<string> prompts, Tensor times)
        {
            var text = model.Encode(prompts);
            return model.Transformer.forward(new FluxTransformerInput(noisy, text.Tokens, text.Pooled, times, imageIds, textIds));
        }

        public override void Save(string folder) => model.Save(folder);

        public override void Dispose()
        {
            imageIds.Dispose();
            textIds.Dispose();
            model.Dispose();
        }
    }
}
