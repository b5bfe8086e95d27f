using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Training;

/// <summary>What the image and the video trainees share: a shapes text encoder and a transformer, trained together.</summary>
/// <param name="textEncoder">The model's text encoder.</param>
/// <param name="transformer">The model's transformer.</param>
internal abstract class ShapesFlowTrainee(ShapesTextEncoder textEncoder, nn.Module transformer) : IFlowTrainee
{
    public IReadOnlyList<TorchSharp.Modules.Parameter> Trainable => [.. textEncoder.parameters(), .. transformer.parameters()];

    public long TransformerParameters => transformer.parameters().Sum(p => p.numel());

    public long TextEncoderParameters => textEncoder.parameters().Sum(p => p.numel());

    public Dictionary<string, Tensor> StateDict() => ShapesTextSide.StateDict(textEncoder, transformer);

    public string TextEncoderConfigJson => textEncoder.Config.ToJson();

    public void SetTraining(bool training)
    {
        textEncoder.train(training);
        transformer.train(training);
    }

    public abstract Tensor Velocity(Tensor noisy, IReadOnlyList<string> prompts, Tensor times);

    public abstract void Save(string folder);

    public abstract void Dispose();
}
