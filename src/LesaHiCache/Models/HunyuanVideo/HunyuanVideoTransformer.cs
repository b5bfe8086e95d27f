using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Models.HunyuanVideo;

/// <summary>
/// The HunyuanVideo transformer (diffusers <c>HunyuanVideoTransformer3DModel</c>, text to video): a
/// patch convolution over (t, y, x), a token refiner on the text, a conditioning vector of the
/// timestep, the embedded guidance and the pooled text, dual-stream blocks then single-stream blocks
/// (the FLUX blocks: same keys and computation) with 3-axis RoPE over (frame, row, column) on the video
/// tokens only, and an adaLN output layer. Returns the velocity in the packed token layout
/// [B, L_vid, C pt p p] (<see cref="HunyuanVideoPacking"/>).
/// diffusers orders the joint sequence [video, text]; here it is [text, video], with the text tokens
/// unrotated: attention does not depend on the order, so only floating-point summation order differs.
/// The text padding mask is not supported (pass each item's real tokens), and in float16 the streams
/// are clamped to its range after each block as in FLUX.
/// </summary>
public sealed class HunyuanVideoTransformer : nn.Module<HunyuanVideoTransformerInput, Tensor>
{
    private readonly HunyuanVideoPatchEmbed x_embedder;
    private readonly HunyuanVideoTokenRefiner context_embedder;
    private readonly CombinedTimestepTextEmbedding time_text_embed;
    private readonly TorchSharp.Modules.ModuleList<FluxTransformerBlock> transformer_blocks;
    private readonly TorchSharp.Modules.ModuleList<FluxSingleTransformerBlock> single_transformer_blocks;
    private readonly AdaLayerNormContinuous norm_out;
    private readonly LinearLayer proj_out;
    private readonly RotaryEmbedding rope;

    /// <summary>Builds the model; <paramref name="build"/> chooses device, dtype and initialisation.</summary>
    public HunyuanVideoTransformer(HunyuanVideoTransformerConfig config, ModuleBuild? build = null) : base(nameof(HunyuanVideoTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        build ??= ModuleBuild.Cpu;
        Config = config;
        long dim = config.InnerDim;
        long heads = config.NumAttentionHeads;
        long headDim = config.AttentionHeadDim;
        rope = new RotaryEmbedding(config.RopeAxesDim, config.RopeTheta);
        x_embedder = new HunyuanVideoPatchEmbed(config.InChannels, dim, config.PatchSizeT, config.PatchSize, build);
        context_embedder = new HunyuanVideoTokenRefiner(config.TextEmbedDim, dim, heads, headDim, config.NumRefinerLayers, build);
        time_text_embed = new CombinedTimestepTextEmbedding(dim, config.PooledProjectionDim, config.GuidanceEmbeds, build);
        transformer_blocks = nn.ModuleList(Enumerable.Range(0, config.NumLayers).Select(_ => new FluxTransformerBlock(dim, heads, headDim, build)).ToArray());
        single_transformer_blocks = nn.ModuleList(Enumerable.Range(0, config.NumSingleLayers).Select(_ => new FluxSingleTransformerBlock(dim, heads, headDim, build)).ToArray());
        norm_out = new AdaLayerNormContinuous(dim, dim, build);
        proj_out = new LinearLayer(dim, (long)config.PatchSizeT * config.PatchSize * config.PatchSize * config.OutChannels, build);
        RegisterComponents();
    }

    /// <summary>
    /// Loads a diffusers <c>transformer/</c> folder (config.json + safetensors, single or sharded),
    /// built uninitialised on <paramref name="device"/> in <paramref name="dtype"/>; returned in eval mode.
    /// </summary>
    /// <exception cref="WeightsLoadException">The weights are missing, corrupt or do not fit the config.</exception>
    public static HunyuanVideoTransformer FromPretrained(string folder, ScalarType dtype = ScalarType.Float32, Device? device = null, WeightsLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var config = HunyuanVideoTransformerConfig.Load(folder);
        return PretrainedWeights.Load(folder, () => new HunyuanVideoTransformer(config, new ModuleBuild(device ?? CPU, dtype, Initialize: false)), options);
    }

    /// <summary>Writes config.json and the weights (diffusers layout) into <paramref name="folder"/>.</summary>
    public WeightsSaveResult SavePretrained(string folder, WeightsSaveOptions? options = null) => PretrainedWeights.Save(this, folder, Config.ToJson(), options);

    /// <summary>
    /// What this model caches at <paramref name="level"/> for a generation whose calls of a step hold
    /// <paramref name="rows"/> rows in all (images, twice with CFG) of <paramref name="tokens"/> image or
    /// video tokens: multiply by a forecaster's per-item state with <see cref="CacheMemoryPlan.PeakBytes"/>.
    /// </summary>
    public CacheMemoryPlan CacheMemory(CacheLevel level, long rows, long tokens) => CacheMemory(level, rows, tokens, schedule: null, textTokens: 0);

    /// <summary>
    /// What this model caches under <paramref name="schedule"/>: blocks the schedule runs on every step
    /// are left out, and with blocks after the cached ones (DBCache's Bn) each cached block's text
    /// residual of <paramref name="textTokens"/> tokens per row is counted too.
    /// </summary>
    /// <exception cref="ArgumentException">The schedule runs trailing blocks and <paramref name="textTokens"/> is not positive, or its blocks leave none to cache.</exception>
    public CacheMemoryPlan CacheMemory(CacheLevel level, long rows, long tokens, ICacheSchedule? schedule, long textTokens) =>
        CacheMemoryPlan.For(level, [.. Enumerable.Repeat(FluxTransformerBlock.CachedSlots, Config.NumLayers), .. Enumerable.Repeat(FluxSingleTransformerBlock.CachedSlots, Config.NumSingleLayers)], rows, tokens, Config.InnerDim, schedule, textTokens);

    /// <summary>The architecture.</summary>
    public HunyuanVideoTransformerConfig Config { get; }

    /// <summary>Exact number of parameters (elements), computed from shapes; works on the meta device.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>RoPE tables of the [text, video] tokens: the text rows do not rotate (angle 0), the video rows by (frame, row, column).</summary>
    public RotaryTables RotaryTablesFor(int textLength, int framesTokens, int heightTokens, int widthTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(textLength, 1);
        var device = proj_out.Weight.device;
        using var text = zeros([textLength, 3], ScalarType.Float32, device);
        using var video = HunyuanVideoPacking.VideoIds(framesTokens, heightTokens, widthTokens, device);
        using var ids = cat([text, video], dim: 0);
        var (cos, sin) = rope.Tables(ids);
        return new RotaryTables(cos, sin);
    }

    /// <inheritdoc />
    public override Tensor forward(HunyuanVideoTransformerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Check(input);
        using var scope = NewDisposeScope();
        var dtype = proj_out.Weight.dtype;
        var timestep = input.Timestep.to_type(dtype).mul(Scalars.Thousand);
        var guidance = Config.GuidanceEmbeds ? input.Guidance!.to_type(dtype).mul(Scalars.Thousand) : null;
        var temb = time_text_embed.forward(timestep, guidance, input.Pooled.to_type(dtype));
        using var call = new FluxCallConditioning(temb, input.Rope);
        var blocks = new List<ICacheableBlock<FluxStreams>>(transformer_blocks.Count + single_transformer_blocks.Count);
        blocks.AddRange(transformer_blocks.Select(b => new FluxDoubleBlockAdapter(b, call)));
        blocks.AddRange(single_transformer_blocks.Select(b => new FluxSingleBlockAdapter(b, call)));
        var stack = new HostBlocks<FluxStreams>(
            blocks,
            () => x_embedder.forward(input.Video.to_type(dtype)),
            video => new FluxStreams(video, context_embedder.Forward(input.Text.to_type(dtype), timestep)),
            streams => streams.Image,
            Context: FluxStreams.TextContext);
        var output = CachingRunner.Run(stack, input.Cache);
        return proj_out.call(norm_out.forward(output, temb)).MoveToOuterDisposeScope();
    }

    private void Check(HunyuanVideoTransformerInput input)
    {
        ArgumentNullException.ThrowIfNull(input.Video);
        ArgumentNullException.ThrowIfNull(input.Text);
        ArgumentNullException.ThrowIfNull(input.Pooled);
        ArgumentNullException.ThrowIfNull(input.Timestep);
        ArgumentNullException.ThrowIfNull(input.Rope);
        if (input.Video.dim() != 3 || input.Video.shape[2] != Config.TokenChannels)
        {
            throw new ArgumentException($"Video must be packed tokens [B, L, {Config.TokenChannels}], got [{string.Join(", ", input.Video.shape)}].", nameof(input));
        }

        var batch = input.Video.shape[0];
        if (input.Text.dim() != 3 || input.Text.shape[0] != batch || input.Text.shape[2] != Config.TextEmbedDim)
        {
            throw new ArgumentException($"Text must be [{batch}, L, {Config.TextEmbedDim}], got [{string.Join(", ", input.Text.shape)}].", nameof(input));
        }

        if (input.Pooled.dim() != 2 || input.Pooled.shape[0] != batch || input.Pooled.shape[1] != Config.PooledProjectionDim)
        {
            throw new ArgumentException($"Pooled must be [{batch}, {Config.PooledProjectionDim}], got [{string.Join(", ", input.Pooled.shape)}].", nameof(input));
        }

        if (input.Timestep.dim() != 1 || input.Timestep.shape[0] != batch)
        {
            throw new ArgumentException($"Timestep must be [{batch}], got [{string.Join(", ", input.Timestep.shape)}].", nameof(input));
        }

        if (Config.GuidanceEmbeds && (input.Guidance is null || input.Guidance.dim() != 1 || input.Guidance.shape[0] != batch))
        {
            throw new ArgumentException($"This model embeds a guidance scale: Guidance must be [{batch}].", nameof(input));
        }

        var tokens = input.Text.shape[1] + input.Video.shape[1];
        if (input.Rope.Cos.shape[0] != tokens)
        {
            throw new ArgumentException($"The RoPE tables cover {input.Rope.Cos.shape[0]} tokens; this call has {tokens} (text + video).", nameof(input));
        }
    }
}
