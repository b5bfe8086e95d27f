using LesaHiCache.Caching;
using LesaHiCache.Layers;
using LesaHiCache.Models.HunyuanVideo;
using LesaHiCache.Sampling;
using LesaHiCache.Shapes.Model;
using LesaHiCache.Shapes.Task;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Video;

/// <summary>
/// The bundled text-to-video model: word tokenizer, the small text encoder of the image model and a
/// HunyuanVideo-architecture transformer generating 8-frame 16x16 RGB clips directly in pixel space
/// ((2, 4, 4) patches: 4 x 4 x 4 = 64 tokens of 96 channels, RoPE over frame, row and column).
/// Folder layout: <c>transformer/</c> (diffusers config + safetensors), <c>text_encoder/</c>, <c>tokenizer.json</c>.
/// </summary>
public sealed class ShapesVideoModel : IShapesTaskModel
{
    /// <summary>Pixels per token side.</summary>
    public const int Patch = 4;

    /// <summary>Frames per token.</summary>
    public const int PatchFrames = 2;

    /// <summary>Frame channels (RGB).</summary>
    public const int Channels = 3;

    /// <summary>Tokens per frame side.</summary>
    public const int TokensPerSide = ClipLayout.FrameSize / Patch;

    /// <summary>Token frames.</summary>
    public const int TokenFrames = ClipLayout.Frames / PatchFrames;

    /// <summary>Video tokens per clip.</summary>
    public const int Tokens = TokenFrames * TokensPerSide * TokensPerSide;

    /// <summary>Values per token.</summary>
    public const int TokenChannels = Channels * PatchFrames * Patch * Patch;

    private ShapesVideoModel(WordTokenizer tokenizer, ShapesTextEncoder textEncoder, HunyuanVideoTransformer transformer)
    {
        Tokenizer = tokenizer;
        TextEncoder = textEncoder;
        Transformer = transformer;
    }

    /// <summary>
    /// The default transformer: width 192 (3 heads x 64), 2 dual-stream + 4 single-stream blocks, one
    /// refiner block, no guidance embedding: the image model's width and depth. Clips of 16x16 frames
    /// with (2, 4, 4) patches: 32x32 frames with (1, 8, 8) patches (192 values per token) stayed
    /// undertrained within the training budget at widths 192 and 384, and 16x16 frames with (1, 4, 4)
    /// patches (128 tokens) saw too few clips in it (docs/shapes-video.md).
    /// </summary>
    public static HunyuanVideoTransformerConfig DefaultTransformerConfig { get; } = new()
    {
        InChannels = Channels,
        OutChannels = Channels,
        NumAttentionHeads = 3,
        AttentionHeadDim = 64,
        NumLayers = 2,
        NumSingleLayers = 4,
        NumRefinerLayers = 1,
        PatchSize = Patch,
        PatchSizeT = PatchFrames,
        GuidanceEmbeds = false,
        TextEmbedDim = 64,
        PooledProjectionDim = 64,
        RopeAxesDim = [16, 24, 24],
    };

    /// <summary>Where apps find the model shipped with the package (copied next to the app).</summary>
    public static string BundledFolder => Path.Combine(AppContext.BaseDirectory, "models", "shapes-video");

    /// <summary>The folder of the LESA predictors trained for the bundled video model.</summary>
    public static string BundledLesaFolder => Path.Combine(BundledFolder, "lesa");

    /// <summary>The tokenizer (the clip vocabulary, <see cref="ClipVocabulary.MaxWords"/> ids per prompt).</summary>
    public WordTokenizer Tokenizer { get; }

    /// <summary>The text encoder.</summary>
    public ShapesTextEncoder TextEncoder { get; }

    /// <summary>The video transformer.</summary>
    public HunyuanVideoTransformer Transformer { get; }

    /// <summary>Text tokens the transformer sees per prompt: the word tokens and one per segment, or with <see cref="ShapesTextEncoderConfig.SegmentTokensOnly"/> the segment tokens alone.</summary>
    public int TextTokens => TextEncoder.Config.OutputTokens;

    /// <summary>Where the parameters live.</summary>
    public Device Device => Transformer.parameters().First().device;

    /// <inheritdoc />
    public string Name => "shapes-video";

    /// <inheritdoc />
    public string ItemName => "clip";

    /// <summary>
    /// The video model's CFG scale, chosen on 32 validation prompts (prompt seed 31337, noise seed 9000;
    /// neither a training nor an evaluation seed) among 1.5, 3, 4 and 5 (docs/shapes-video.md).
    /// </summary>
    public const double GuidanceScale = 4;

    /// <inheritdoc />
    public double DefaultGuidanceScale => GuidanceScale;

    /// <inheritdoc />
    nn.Module IShapesTaskModel.Denoiser => Transformer;

    /// <inheritdoc />
    public int SequenceTokens => Tokens;

    /// <inheritdoc />
    public IReadOnlyList<long> NoiseShape => [Tokens, TokenChannels];

    /// <inheritdoc />
    public int Frames => ClipLayout.Frames;

    /// <inheritdoc />
    public int FrameSize => ClipLayout.FrameSize;

    /// <inheritdoc />
    public IEnumerable<string> Prompts(int seed)
    {
        var grammar = new ClipGrammar(seed);
        while (true)
        {
            yield return grammar.Next().Text;
        }
    }

    /// <inheritdoc />
    public void CheckPrompt(string prompt) => ClipPrompt.Parse(prompt);

    /// <inheritdoc />
    IReadOnlyList<byte[]> IShapesTaskModel.ToRgbFrames(Tensor item) => ToRgbFrames(item);

    /// <inheritdoc />
    public TaskScore Score(IReadOnlyList<byte[]> frames, string prompt)
    {
        var report = ClipScorer.Score(frames, ClipPrompt.Parse(prompt));
        return new TaskScore(report.Score, report.Explain());
    }

    /// <summary>Builds a new (randomly initialised, or meta) model; <paramref name="segmentTokensOnly"/> gives the transformer only the text encoder's per-object tokens (<see cref="ShapesTextEncoderConfig.SegmentTokensOnly"/>).</summary>
    public static ShapesVideoModel Create(ModuleBuild build, HunyuanVideoTransformerConfig? transformerConfig = null, bool segmentTokensOnly = false)
    {
        ArgumentNullException.ThrowIfNull(build);
        var tokenizer = NewTokenizer();
        transformerConfig ??= DefaultTransformerConfig;
        if (transformerConfig.InChannels != Channels || transformerConfig.OutChannels != Channels || transformerConfig.PatchSize != Patch || transformerConfig.PatchSizeT != PatchFrames)
        {
            throw new ArgumentException($"The clip layout fixes in_channels = out_channels = {Channels}, patch_size = {Patch} and patch_size_t = {PatchFrames}.", nameof(transformerConfig));
        }

        if (transformerConfig.TextEmbedDim != transformerConfig.PooledProjectionDim)
        {
            throw new ArgumentException("The text encoder's width is both text_embed_dim and pooled_projection_dim: they must be equal.", nameof(transformerConfig));
        }

        var textConfig = new ShapesTextEncoderConfig
        {
            VocabSize = tokenizer.VocabularySize,
            MaxLength = tokenizer.MaxLength,
            HiddenSize = transformerConfig.TextEmbedDim,
            SegmentSeparatorIds = [.. ShapesModel.SegmentSeparators.Select(tokenizer.IdOf)],
            SegmentTokensOnly = segmentTokensOnly,
        };
        return new ShapesVideoModel(tokenizer, new ShapesTextEncoder(textConfig, build), new HunyuanVideoTransformer(transformerConfig, build));
    }

    /// <summary>Loads a model folder (e.g. <see cref="BundledFolder"/>) onto <paramref name="device"/> in float32.</summary>
    public static ShapesVideoModel Load(string folder, Device? device = null)
    {
        var tokenizer = NewTokenizer();
        var textEncoder = ShapesTextSide.LoadTextEncoder(folder, tokenizer, device, "clip task");
        try
        {
            var transformer = HunyuanVideoTransformer.FromPretrained(Path.Combine(folder, "transformer"), ScalarType.Float32, device ?? CPU);
            if (transformer.Config.TokenChannels != TokenChannels || transformer.Config.PatchSize != Patch || transformer.Config.OutChannels != Channels)
            {
                transformer.Dispose();
                throw new FormatException($"{Path.Combine(folder, "transformer", "config.json")}: the clip layout needs in_channels = out_channels = {Channels}, patch_size = {Patch}, patch_size_t = {PatchFrames}.");
            }

            return new ShapesVideoModel(tokenizer, textEncoder, transformer);
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
    /// Generates one clip per prompt, each from its own noise seed: [B, 3, 8, 16, 16] float32 in [-1, 1]
    /// (clamped). Prompts are parsed first, so a bad prompt fails before any compute.
    /// </summary>
    /// <param name="prompts">Clip prompts, one clip each.</param>
    /// <param name="seeds">One noise seed per prompt.</param>
    /// <param name="options">Steps, CFG, shift and caching.</param>
    /// <param name="onStep">Called after every sampler step.</param>
    /// <param name="cache">A cache session to use (and read statistics from) instead of one made from <see cref="ShapesGenerationOptions.Cache"/>.</param>
    /// <param name="noise">Initial noise [B, 64, 96] to start from instead of the seeds' (the seeds are then only labels).</param>
    /// <param name="cancellation">Stops between steps.</param>
    public Tensor Generate(IReadOnlyList<string> prompts, IReadOnlyList<long> seeds, ShapesGenerationOptions? options = null, Action<SamplerStep>? onStep = null, CacheSession? cache = null, Tensor? noise = null, CancellationToken cancellation = default)
    {
        ShapesTextSide.CheckPrompts(prompts, seeds, prompt => ClipPrompt.Parse(prompt));
        using var scope = NewDisposeScope();
        var latents = ShapesSampling.Sample(Encode, cache => new HunyuanVideoFlowModel(Transformer, TokenFrames, TokensPerSide, TokensPerSide, cache: cache), [Tokens, TokenChannels], Device, prompts, seeds, options ??= new ShapesGenerationOptions(), options.GuidanceFor(this), onStep, cache, noise, cancellation);
        return ToClips(latents).clamp(-1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Packed tokens [B, 64, 96] to clips [B, 3, 8, 16, 16].</summary>
    public static Tensor ToClips(Tensor tokens) => HunyuanVideoPacking.Unpack(tokens, TokenFrames, TokensPerSide, TokensPerSide, PatchFrames, Patch);

    /// <summary>Clips [B, 3, 8, 16, 16] to packed tokens [B, 64, 96].</summary>
    public static Tensor ToTokens(Tensor clips) => HunyuanVideoPacking.Pack(clips, PatchFrames, Patch);

    /// <summary>One clip [3, F, H, W] in [-1, 1] to its frames as interleaved RGB bytes.</summary>
    public static IReadOnlyList<byte[]> ToRgbFrames(Tensor clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.dim() != 4 || clip.shape[0] != Channels)
        {
            throw new ArgumentException($"A clip is [3, F, H, W], got [{string.Join(", ", clip.shape)}].", nameof(clip));
        }

        return Enumerable.Range(0, (int)clip.shape[1]).Select(f =>
        {
            using var frame = clip.select(1, f);
            return ShapesModel.ToRgb(frame);
        }).ToList();
    }

    /// <summary>Frames (interleaved RGB bytes, 16x16) to a clip [3, F, 16, 16] in [-1, 1].</summary>
    public static Tensor FromRgbFrames(IReadOnlyList<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        using var scope = NewDisposeScope();
        return stack(frames.Select(f => ShapesModel.FromRgb(f, ClipLayout.FrameSize)).ToList(), 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        TextEncoder.Dispose();
        Transformer.Dispose();
    }

    private static WordTokenizer NewTokenizer() => new(ClipVocabulary.Words, ClipVocabulary.MaxWords);
}
