using LesaHiCache.Caching;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// The hidden state between FLUX blocks: the image and text streams apart (double-stream blocks), or
/// concatenated as [text, image] tokens (single-stream blocks, from the first one on).
/// </summary>
internal sealed class FluxStreams
{
    private readonly Tensor? image;
    private readonly Tensor? context;
    private readonly Tensor? tokens;

    /// <summary>Separate streams.</summary>
    public FluxStreams(Tensor image, Tensor context)
    {
        this.image = image;
        this.context = context;
        TextLength = context.shape[1];
    }

    /// <summary>Concatenated [text, image] tokens whose first <paramref name="textLength"/> are text.</summary>
    public FluxStreams(Tensor tokens, long textLength)
    {
        this.tokens = tokens;
        TextLength = textLength;
    }

    /// <summary>Text tokens.</summary>
    public long TextLength { get; }

    /// <summary>The image stream (a view of the tokens once concatenated).</summary>
    public Tensor Image => tokens is null ? image! : tokens.narrow(1, TextLength, tokens.shape[1] - TextLength);

    /// <summary>The text stream of separate streams.</summary>
    public Tensor Context => context ?? throw new InvalidOperationException("A double-stream block follows a single-stream block.");

    /// <summary>The text stream, apart or as a view of the concatenated tokens.</summary>
    public Tensor Text => tokens is null ? context! : tokens.narrow(1, 0, TextLength);

    /// <summary>
    /// The text stream for blocks that run after forecast ones (DBCache's Bn): the streams are joined
    /// apart, which double- and single-stream blocks both take.
    /// </summary>
    public static HostContext<FluxStreams> TextContext { get; } = new(static s => s.Text, static (image, text) => new FluxStreams(image, text));

    /// <summary>The [text, image] tokens (concatenated here when the streams are still apart).</summary>
    public Tensor Tokens => tokens ?? cat([context!, image!], dim: 1);
}
