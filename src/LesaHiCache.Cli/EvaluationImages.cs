using LesaHiCache.Shapes.Evaluation;

namespace LesaHiCache.Cli;

/// <summary>The 8-bit RGB images of one evaluation, by run (-1: the uncached reference) and prompt, kept for the HTML report.</summary>
internal sealed class EvaluationImages
{
    private readonly Dictionary<(int Run, int Prompt), byte[]> images = [];

    public void Add(GeneratedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var i = 0; i < batch.Images.Count; i++)
        {
            images[(batch.Run, batch.FirstPrompt + i)] = batch.Images[i];
        }
    }

    public byte[]? Of(int run, int prompt) => images.GetValueOrDefault((run, prompt));
}
