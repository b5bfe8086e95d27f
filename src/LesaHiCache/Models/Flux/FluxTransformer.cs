using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>
/// The FLUX.1 transformer (diffusers <c>FluxTransformer2DModel</c>): double-stream blocks over
/// separate image and text streams, then single-stream blocks over the concatenation, with 3-axis
/// RoPE, QK RMSNorm and adaLN-Zero modulation. Field names reproduce diffusers' state-dict keys.
/// Returns the velocity prediction [B, L_img, patch_size^2 * out_channels].
/// </summary>
public sealed class FluxTransformer : nn.Module<FluxTransformerInput, Tensor>
{
    private readonly LinearLayer x_embedder;
    private readonly LinearLayer context_embedder;
    private readonly CombinedTimestepTextEmbedding time_text_embed;
    private readonly TorchSharp.Modules.ModuleList<FluxTransformerBlock> transformer_blocks;
    private readonly TorchSharp.Modules.ModuleList<FluxSingleTransformerBlock> single_transformer_blocks;
    private readonly AdaLayerNormContinuous norm_out;
    private readonly LinearLayer proj_out;
    private readonly RotaryEmbedding pos_embed;

    /// <summary>Builds the model; <paramref name="build"/> chooses device, dtype and initialisation.</summary>
    public FluxTransformer(FluxTransformerConfig config, ModuleBuild? build = null) : base(nameof(FluxTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        build ??= ModuleBuild.Cpu;
        Config = config;
        long dim = config.InnerDim;
        long heads = config.NumAttentionHeads;
        long headDim = config.AttentionHeadDim;
        pos_embed = new RotaryEmbedding(config.AxesDimsRope);
        time_text_embed = new CombinedTimestepTextEmbedding(dim, config.PooledProjectionDim, config.GuidanceEmbeds, build);
        context_embedder = new LinearLayer(config.JointAttentionDim, dim, build);
        x_embedder = new LinearLayer(config.InChannels, dim, build);
        transformer_blocks = nn.ModuleList(Enumerable.Range(0, config.NumLayers)
            .Select(_ => new FluxTransformerBlock(dim, heads, headDim, build)).ToArray());
        single_transformer_blocks = nn.ModuleList(Enumerable.Range(0, config.NumSingleLayers)
            .Select(_ => new FluxSingleTransformerBlock(dim, heads, headDim, build)).ToArray());
        norm_out = new AdaLayerNormContinuous(dim, dim, build);
        proj_out = new LinearLayer(dim, (long)config.PatchSize * config.PatchSize * config.ResolvedOutChannels, build);
        RegisterComponents();
    }

    /// <summary>
    /// Loads a diffusers <c>transformer/</c> folder (config.json + safetensors, single or sharded):
    /// builds the model uninitialised on <paramref name="device"/> in <paramref name="dtype"/> and
    /// fills it, converting floating-point checkpoint tensors to <paramref name="dtype"/>. The model
    /// is returned in eval mode.
    /// </summary>
    /// <exception cref="WeightsLoadException">The weights are missing, corrupt or do not fit the config.</exception>
    public static FluxTransformer FromPretrained(string folder, ScalarType dtype = ScalarType.Float32, Device? device = null, WeightsLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var config = FluxTransformerConfig.Load(folder);
        return PretrainedWeights.Load(folder, () => new FluxTransformer(config, new ModuleBuild(device ?? CPU, dtype, Initialize: false)), options);
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
    public FluxTransformerConfig Config { get; }

    /// <summary>Exact number of parameters (elements), computed from shapes; works on the meta device.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <inheritdoc />
    public override Tensor forward(FluxTransformerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FluxInputValidator.Check(Config, input);
        using var scope = NewDisposeScope();
        var dtype = x_embedder.Weight.dtype;
        var temb = input.Conditioning?.to_type(dtype) ?? time_text_embed.forward(
            Scaled(input.Timestep, dtype),
            Config.GuidanceEmbeds ? Scaled(input.Guidance!, dtype) : null,
            input.Pooled.to_type(dtype));
        using var ownRope = input.Rope is null ? RotaryTablesFor(input.TextIds, input.ImageIds) : null;
        var rope = input.Rope ?? ownRope!;
        using var call = new FluxCallConditioning(temb, rope);
        var stack = new HostBlocks<FluxStreams>(
            BlockAdapters(call),
            () => x_embedder.forward(input.Image.to_type(dtype)),
            image => new FluxStreams(image, context_embedder.forward(input.Text.to_type(dtype))),
            streams => streams.Image,
            Context: FluxStreams.TextContext);
        var image = CachingRunner.Run(stack, input.Cache);
        return proj_out.call(norm_out.forward(image, temb)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The conditioning vector of every (time, item) pair, [S, B, inner_dim], from flow times [S] in
    /// [0, 1], pooled text [B, pooled_projection_dim] and, for configs with guidance_embeds, guidance
    /// [B]. Row [s] is the <see cref="FluxTransformerInput.Conditioning"/> of a forward at times[s]
    /// with these items. The time MLP runs once per time and the text MLP once per item, so a whole
    /// generation's table costs about as much as one forward's conditioning.
    /// </summary>
    public Tensor ConditioningTable(Tensor times, Tensor pooled, Tensor? guidance = null)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(pooled);
        if (times.dim() != 1)
        {
            throw new ArgumentException($"Times must be [S], got [{string.Join(", ", times.shape)}].", nameof(times));
        }

        if (pooled.dim() != 2 || pooled.shape[1] != Config.PooledProjectionDim)
        {
            throw new ArgumentException($"Pooled must be [B, {Config.PooledProjectionDim}], got [{string.Join(", ", pooled.shape)}].", nameof(pooled));
        }

        FluxInputValidator.CheckGuidance(Config, guidance, pooled.shape[0]);
        using var scope = NewDisposeScope();
        var dtype = x_embedder.Weight.dtype;
        var scaledGuidance = Config.GuidanceEmbeds ? Scaled(guidance!, dtype) : null;
        return time_text_embed.Table(Scaled(times, dtype), scaledGuidance, pooled.to_type(dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>Flow times and guidance values as the embeddings take them: 1000 x, in the model's dtype.</summary>
    private static Tensor Scaled(Tensor values, ScalarType dtype) => values.to_type(dtype).mul(Scalars.Thousand);

    /// <summary>RoPE tables for the [text, image] token sequence; the positions are fixed during a generation, so callers may keep them.</summary>
    public RotaryTables RotaryTablesFor(Tensor textIds, Tensor imageIds)
    {
        ArgumentNullException.ThrowIfNull(textIds);
        ArgumentNullException.ThrowIfNull(imageIds);
        using var ids = cat([textIds, imageIds], dim: 0);
        var (cos, sin) = pos_embed.Tables(ids);
        return new RotaryTables(cos, sin);
    }

    /// <summary>The blocks in order (double-stream, then single-stream) with one call's conditioning.</summary>
    private List<ICacheableBlock<FluxStreams>> BlockAdapters(FluxCallConditioning call)
    {
        var blocks = new List<ICacheableBlock<FluxStreams>>(transformer_blocks.Count + single_transformer_blocks.Count);
        blocks.AddRange(transformer_blocks.Select(b => new FluxDoubleBlockAdapter(b, call)));
        blocks.AddRange(single_transformer_blocks.Select(b => new FluxSingleBlockAdapter(b, call)));
        return blocks;
    }
}
