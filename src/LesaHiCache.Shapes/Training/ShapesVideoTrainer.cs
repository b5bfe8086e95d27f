using LesaHiCache.Models.Flux;
using LesaHiCache.Models.HunyuanVideo;
using LesaHiCache.Shapes.Video;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Training;

/// <summary>
/// Rectified-flow training of the text-to-video <see cref="ShapesVideoModel"/> on the clip task
/// (the loop of the image model: AdamW with warm-up and cosine decay, conditioning dropout, EMA
/// weights, resumable checkpoints in <c>{output}/checkpoint</c>). <see cref="ShapesTrainingOptions.BatchSize"/>
/// counts clips, <see cref="ShapesTrainingOptions.StillShare"/> sets the share of still objects; <see cref="ShapesTrainingOptions.Transformer"/> (the image transformer) must be null.
/// </summary>
/// <param name="options">The loop's settings.</param>
/// <param name="logger">Progress and checkpoint messages.</param>
/// <param name="transformer">The video transformer; <see cref="ShapesVideoModel.DefaultTransformerConfig"/> when null.</param>
/// <param name="segmentTokensOnly">Give the transformer only the text encoder's per-object tokens (<see cref="Model.ShapesTextEncoderConfig.SegmentTokensOnly"/>).</param>
public sealed class ShapesVideoTrainer(ShapesTrainingOptions options, ILogger logger, HunyuanVideoTransformerConfig? transformer = null, bool segmentTokensOnly = false)
{
    /// <summary>Optimizer steps of the bundled video model's training (about 90 minutes on a quiet 2-core CPU at <see cref="DefaultBatchSize"/>).</summary>
    public const int DefaultSteps = 6600;

    /// <summary>Clips per step of the bundled video model's training.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>Trains (or resumes) and exports the EMA model to <paramref name="outputFolder"/>.</summary>
    public TrainingResult Train(string outputFolder, Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Transformer is not null)
        {
            throw new InvalidOperationException("ShapesTrainingOptions.Transformer is the image transformer; give the video transformer to ShapesVideoTrainer.");
        }

        var trainer = new RectifiedFlowTrainer(options, logger, build => new Trainee(ShapesVideoModel.Create(build, transformer, segmentTokensOnly)), Draw);
        return trainer.Train(outputFolder, device, progress, cancellation);
    }

    private TrainingData Draw(int seed)
    {
        var prompts = new ClipGrammar(seed, options.TwoObjectShare, options.StillShare).Take(options.BatchSize);
        using var scope = NewDisposeScope();
        var clips = stack(prompts.Select(p => ShapesVideoModel.FromRgbFrames(ClipRenderer.Render(p))).ToList());
        return new TrainingData([.. prompts.Select(p => p.Text)], ShapesVideoModel.ToTokens(clips).MoveToOuterDisposeScope());
    }

    private sealed class Trainee(ShapesVideoModel model) : ShapesFlowTrainee(model.TextEncoder, model.Transformer)
    {
        private readonly RotaryTables rope = model.Transformer.RotaryTablesFor(model.TextTokens, ShapesVideoModel.TokenFrames, ShapesVideoModel.TokensPerSide, ShapesVideoModel.TokensPerSide);

        public override Tensor Velocity(Tensor noisy, IReadOnlyList<string> prompts, Tensor times)
        {
            var text = model.Encode(prompts);
            return model.Transformer.forward(new HunyuanVideoTransformerInput(noisy, text.Tokens, text.Pooled, times, null, rope));
        }

        public override void Save(string folder) => model.Save(folder);

        public override void Dispose()
        {
            rope.Dispose();
            model.Dispose();
        }
    }
}
