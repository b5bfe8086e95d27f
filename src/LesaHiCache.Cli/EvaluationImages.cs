using LesaHiCache.Shapes.Evaluation;

namespace LesaHiCache.Cli;

/// <summary>
/// The 8-bit RGB images of one evaluation (a clip's frames side by side in one strip), by run (-1:
/// the uncached reference) and prompt, kept for the HTML report.
/// </summary>
internal sealed class EvaluationImages
{
    private readonly Dictionary<(int Run, int Prompt), byte[]> images = [];

    /// <summary>Width of every image in pixels (a clip's strip: frames x frame side).</summary>
    public int Width { get; private set; }

    /// <summary>Height of every image in pixels (the frame side).</summary>
    public int Height { get; private set; }

    public void Add(GeneratedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        (Width, Height) = (batch.Width, batch.Height);
        for (var i = 0; i < batch.Images.Count; i++)
        {
            images[(batch.Run, batch.FirstPrompt + i)] = batch.Images[i];
        }
    }

    public byte[]? Of(int run, int prompt) => images.GetValueOrDefault((run, prompt));
}
