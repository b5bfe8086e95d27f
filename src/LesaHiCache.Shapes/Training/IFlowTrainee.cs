using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Training;

/// <summary>What <see cref="RectifiedFlowTrainer"/> trains: a text encoder and a transformer that predict the velocity of packed tokens.</summary>
internal interface IFlowTrainee : IDisposable
{
    /// <summary>Every parameter, keyed as "text_encoder.*" and "transformer.*".</summary>
    Dictionary<string, Tensor> StateDict();

    /// <summary>The parameters the optimizer updates.</summary>
    IReadOnlyList<TorchSharp.Modules.Parameter> Trainable { get; }

    /// <summary>Transformer parameters (elements).</summary>
    long TransformerParameters { get; }

    /// <summary>Text encoder parameters (elements).</summary>
    long TextEncoderParameters { get; }

    /// <summary>Switches training or evaluation mode.</summary>
    void SetTraining(bool training);

    /// <summary>The predicted velocity of noisy tokens [B, L, C] at times [B] for the prompts.</summary>
    Tensor Velocity(Tensor noisy, IReadOnlyList<string> prompts, Tensor times);

    /// <summary>Writes the model folder.</summary>
    void Save(string folder);

    /// <summary>
    /// The text encoder's config as JSON, kept with each checkpoint: a run resumes only into the same
    /// text side (the weights' shapes do not tell <c>segment_tokens_only</c> apart).
    /// </summary>
    string TextEncoderConfigJson { get; }
}

/// <summary>One training step's clean data: prompts and their rendered images or clips as packed tokens.</summary>
/// <param name="Prompts">Prompt texts.</param>
/// <param name="Tokens">Packed tokens [B, L, C] in [-1, 1].</param>
internal sealed record TrainingData(IReadOnlyList<string> Prompts, Tensor Tokens);
