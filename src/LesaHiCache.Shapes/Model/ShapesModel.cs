using LesaHiCache.Caching;
using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Model;

/// <summary>
/// The bundled text-to-image model: word tokenizer, small text encoder and a FLUX-architecture
/// transformer generating 32x32 RGB images directly in pixel space (4x4 patches: 8x8 tokens of 48 channels).
/// Folder layout: <c>transformer/</c> (diffusers config + safetensors), <c>text_encoder/</c>, <c>tokenizer.json</c>.
/// </summary>
public sealed class ShapesModel : IShapesTaskModel
{
    /// <summary>Pixels per token side.</summary>
    public const int Patch = 4;

    /// <summary>Image channels (RGB).</summary>
    public const int Channels = 3;

    /// <summary>Image tokens per side.</summary>
    public const int TokensPerSide = SceneLayout.ImageSize / Patch;

    private ShapesModel(WordTokenizer tokenizer, ShapesTextEncoder textEncoder, FluxTransformer transformer)
    {
        Tokenizer = tokenizer;
        TextEncoder = textEncoder;
        Transformer = transformer;
    }

    /// <summary>The default transformer: width 192 (3 heads x 64), 2 double-stream + 4 single-stream blocks.</summary>
    public static FluxTransformerConfig DefaultTransformerConfig { get; } = new()
    {
        InChannels = Channels * Patch * Patch,
        NumLayers = 2,
        NumSingleLayers = 4,
        AttentionHeadDim = 64,
        NumAttentionHeads = 3,
        JointAttentionDim = 64,
        PooledProjectionDim = 64,
        GuidanceEmbeds = false,
        AxesDimsRope = [16, 24, 24],
    };

    /// <summary>The words that open a prompt's per-object segments in new models: "and" (the second object) and "on" (the background).</summary>
    public static IReadOnlyList<string> SegmentSeparators { get; } = ["and", "on"];

    /// <summary>Where apps find the model shipped with the package (copied next to the app).</summary>
    public static string BundledFolder => Path.Combine(AppContext.BaseDirectory, "models", "shapes-flux");

    /// <summary>The folder of the LESA predictors trained for the bundled model.</summary>
    public static string BundledLesaFolder => Path.Combine(BundledFolder, "lesa");

    /// <summary>The tokenizer.</summary>
    public WordTokenizer Tokenizer { get; }

    /// <summary>The text encoder.</summary>
    public ShapesTextEncoder TextEncoder { get; }

    /// <summary>The image transformer.</summary>
    public FluxTransformer Transformer { get; }

    /// <summary>Text tokens the transformer sees per prompt: the word tokens and, for per-object encoders, one per segment (only those with <see cref="ShapesTextEncoderConfig.SegmentTokensOnly"/>).</summary>
    public int TextTokens => TextEncoder.Config.OutputTokens;

    /// <summary>Where the parameters live.</summary>
    public Device Device => Transformer.parameters().First().device;

    /// <inheritdoc />
    public string Name => "shapes-flux";

    /// <inheritdoc />
    public string ItemName => "image";

    /// <summary>The image model's CFG scale: 1.5 scored best of 1, 1.5, 2, 3, 4 and 6 on validation prompts (prompt seed 999, not an evaluation seed).</summary>
    public const double GuidanceScale = 1.5;

    /// <inheritdoc />
    public double DefaultGuidanceScale => GuidanceScale;

    /// <inheritdoc />
    nn.Module IShapesTaskModel.Denoiser => Transformer;

    /// <inheritdoc />
    public int SequenceTokens => TokensPerSide * TokensPerSide;

    /// <inheritdoc />
    public IReadOnlyList<long> NoiseShape => [TokensPerSide * TokensPerSide, Channels * Patch * Patch];

    /// <inheritdoc />
    public int Frames => 1;

    /// <inheritdoc />
    public int FrameSize => SceneLayout.ImageSize;

    /// <inheritdoc />
    public IEnumerable<string> Prompts(int seed)
    {
        var grammar = new PromptGrammar(seed);
        while (true)
        {
            yield return grammar.Next().Text;
        }
    }

    /// <inheritdoc />
    public void CheckPrompt(string prompt) => ScenePrompt.Parse(prompt);

    /// <inheritdoc />
    public IReadOnlyList<byte[]> ToRgbFrames(Tensor item) => [ToRgb(item)];

    /// <inheritdoc />
    public TaskScore Score(IReadOnlyList<byte[]> frames, string prompt)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count != 1)
        {
            throw new ArgumentException($"An image has one frame, not {frames.Count}.", nameof(frames));
        }

        var report = FidelityScorer.Score(frames[0], ScenePrompt.Parse(prompt));
        return new TaskScore(report.Score, report.Explain());
    }

    /// <summary>Builds a new (randomly initialised, or meta) model.</summary>
    public static ShapesModel Create(ModuleBuild build, FluxTransformerConfig? transformerConfig = null, ShapesTextEncoderConfig? textConfig = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var tokenizer = new WordTokenizer();
        transformerConfig ??= DefaultTransformerConfig;
        textConfig ??= new ShapesTextEncoderConfig
        {
            VocabSize = tokenizer.VocabularySize,
            MaxLength = tokenizer.MaxLength,
            HiddenSize = transformerConfig.JointAttentionDim,
            SegmentSeparatorIds = [.. SegmentSeparators.Select(tokenizer.IdOf)],
        };
        if (textConfig.HiddenSize != transformerConfig.JointAttentionDim || textConfig.HiddenSize != transformerConfig.PooledProjectionDim)
        {
            throw new ArgumentException("The text encoder width must equal the transformer's joint_attention_dim and pooled_projection_dim.");
        }

        return new ShapesModel(tokenizer, new ShapesTextEncoder(textConfig, build), new FluxTransformer(transformerConfig, build));
    }

    /// <summary>Loads a model folder (e.g. <see cref="BundledFolder"/>) onto <paramref name="device"/> in float32.</summary>
    public static ShapesModel Load(string folder, Device? device = null)
    {
        var tokenizer = new WordTokenizer();
        var textEncoder = ShapesTextSide.LoadTextEncoder(folder, tokenizer, device, "image task");
        try
        {
            return new ShapesModel(tokenizer, textEncoder, FluxTransformer.FromPretrained(Path.Combine(folder, "transformer"), ScalarType.Float32, device ?? CPU));
        }
        catch
        {
            textEncoder.Dispose();
            throw;
        }
    }

    /// <summary>Writes the model folder.</summary>
    public void Save(string folder)
    {
        ShapesTextSide.Save(folder, Tokenizer, TextEncoder);
        Transformer.SavePretrained(Path.Combine(folder, "transformer"));
    }

    /// <summary>All trainable parameters, keyed as "text_encoder.*" and "transformer.*".</summary>
    public Dictionary<string, Tensor> StateDict() => ShapesTextSide.StateDict(TextEncoder, Transformer);

    /// <summary>Encodes prompts (unknown words are a <see cref="PromptException"/>); "" is the null condition.</summary>
    public TextConditioning Encode(IReadOnlyList<string> prompts) => ShapesTextSide.Encode(Tokenizer, TextEncoder, prompts, Device);

    /// <summary>
    /// Generates one image per prompt, each from its own noise seed: [B, 3, 32, 32] float32 in [-1, 1]
    /// (clamped). Prompts are parsed first, so a bad prompt fails before any compute.
    /// </summary>
    /// <param name="prompts">Prompts, one image each.</param>
    /// <param name="seeds">One noise seed per prompt.</param>
    /// <param name="options">Steps, CFG, shift and caching.</param>
    /// <param name="onStep">Called after every sampler step.</param>
    /// <param name="cache">A cache session to use (and read statistics from) instead of one made from <see cref="ShapesGenerationOptions.Cache"/>.</param>
    /// <param name="noise">Initial noise [B, 64, 48] to start from instead of the seeds' (the seeds are then only labels).</param>
    /// <param name="cancellation">Stops between steps.</param>
    public Tensor Generate(IReadOnlyList<string> prompts, IReadOnlyList<long> seeds, ShapesGenerationOptions? options = null, Action<SamplerStep>? onStep = null, CacheSession? cache = null, Tensor? noise = null, CancellationToken cancellation = default)
    {
        ShapesTextSide.CheckPrompts(prompts, seeds, prompt => ScenePrompt.Parse(prompt));
        using var scope = NewDisposeScope();
        var latents = ShapesSampling.Sample(Encode, cache => new FluxFlowModel(Transformer, TokensPerSide, TokensPerSide, cache: cache), [TokensPerSide * TokensPerSide, Channels * Patch * Patch], Device, prompts, seeds, options ??= new ShapesGenerationOptions(), options.GuidanceFor(this), onStep, cache, noise, cancellation);
        return ToImages(latents).clamp(-1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Packed tokens [B, 64, 48] to images [B, 3, 32, 32].</summary>
    public static Tensor ToImages(Tensor tokens) => FluxPositions.Unpack(tokens, SceneLayout.ImageSize, SceneLayout.ImageSize, Patch);

    /// <summary>Images [B, 3, 32, 32] to packed tokens [B, 64, 48].</summary>
    public static Tensor ToTokens(Tensor images) => FluxPositions.Pack(images, Patch);

    /// <summary>
    /// Images [B, 3, H, W] (values in [-1, 1], or beyond) as they are displayed and saved: mapped to
    /// [0, 1], clamped, and rounded to the 8-bit levels of <see cref="ToRgb"/>'s PNG pixels. Quality
    /// metrics compare these.
    /// </summary>
    public static Tensor ToDisplay(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        return (((images.to_type(ScalarType.Float32).clamp(-1, 1) + 1) * 127.5).round() / 255).MoveToOuterDisposeScope();
    }

    /// <summary>One image [3, H, W] in [-1, 1] to interleaved RGB bytes.</summary>
    public static byte[] ToRgb(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        var bytes = ((image.detach().cpu().to_type(ScalarType.Float32).clamp(-1, 1) + 1) * 127.5).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous();
        return bytes.data<byte>().ToArray();
    }

    /// <summary>Interleaved RGB bytes of a square image (the image task's 32x32 by default) to an image [3, side, side] in [-1, 1].</summary>
    public static Tensor FromRgb(byte[] rgb, int side = SceneLayout.ImageSize)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.Length != side * side * Channels)
        {
            throw new ArgumentException($"Expected a {side}x{side} RGB image ({side * side * Channels} bytes), got {rgb.Length} bytes.", nameof(rgb));
        }

        using var scope = NewDisposeScope();
        var image = tensor(rgb, [side, side, Channels]).to_type(ScalarType.Float32).permute(2, 0, 1) / 127.5 - 1;
        return image.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        TextEncoder.Dispose();
        Transformer.Dispose();
    }
}
