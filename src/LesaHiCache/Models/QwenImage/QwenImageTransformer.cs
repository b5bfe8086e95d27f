using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Models.QwenImage;

/// <summary>
/// The Qwen-Image transformer (diffusers <c>QwenImageTransformer2DModel</c>): an RMSNorm and a linear
/// on the text features, a linear on the packed latents, then dual-stream blocks over separate
/// image and text streams with joint attention, and an adaLN output layer. Field names reproduce
/// diffusers' state-dict keys. Returns the velocity prediction [B, L_img, patch_size^2 * out_channels].
/// The text padding mask of diffusers' forward is not supported: pass each item's real tokens.
/// </summary>
public sealed class QwenImageTransformer : nn.Module<QwenImageTransformerInput, Tensor>
{
    private readonly QwenTimestepEmbedding time_text_embed;
    private readonly RmsNorm txt_norm;
    private readonly LinearLayer img_in;
    private readonly LinearLayer txt_in;
    private readonly TorchSharp.Modules.ModuleList<QwenImageTransformerBlock> transformer_blocks;
    private readonly AdaLayerNormContinuous norm_out;
    private readonly LinearLayer proj_out;
    private readonly RotaryEmbedding pos_embed;

    /// <summary>Builds the model; <paramref name="build"/> chooses device, dtype and initialisation.</summary>
    public QwenImageTransformer(QwenImageTransformerConfig config, ModuleBuild? build = null) : base(nameof(QwenImageTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        build ??= ModuleBuild.Cpu;
        Config = config;
        long dim = config.InnerDim;
        pos_embed = new RotaryEmbedding(config.AxesDimsRope);
        time_text_embed = new QwenTimestepEmbedding(dim, build);
        txt_norm = new RmsNorm(config.JointAttentionDim, build);
        img_in = new LinearLayer(config.InChannels, dim, build);
        txt_in = new LinearLayer(config.JointAttentionDim, dim, build);
        transformer_blocks = nn.ModuleList(Enumerable.Range(0, config.NumLayers)
            .Select(_ => new QwenImageTransformerBlock(dim, config.NumAttentionHeads, config.AttentionHeadDim, build)).ToArray());
        norm_out = new AdaLayerNormContinuous(dim, dim, build);
        proj_out = new LinearLayer(dim, config.OutputChannels, build);
        RegisterComponents();
    }

    /// <summary>
    /// Loads a diffusers <c>transformer/</c> folder (config.json + safetensors, single or sharded),
    /// built uninitialised on <paramref name="device"/> in <paramref name="dtype"/>; returned in eval mode.
    /// </summary>
    /// <exception cref="WeightsLoadException">The weights are missing, corrupt or do not fit the config.</exception>
    public static QwenImageTransformer FromPretrained(string folder, ScalarType dtype = ScalarType.Float32, Device? device = null, WeightsLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var config = QwenImageTransformerConfig.Load(folder);
        return PretrainedWeights.Load(folder, () => new QwenImageTransformer(config, new ModuleBuild(device ?? CPU, dtype, Initialize: false)), options);
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
        CacheMemoryPlan.For(level, [.. Enumerable.Repeat(QwenImageTransformerBlock.CachedSlots, Config.NumLayers)], rows, tokens, Config.InnerDim, schedule, textTokens);

    /// <summary>The architecture.</summary>
    public QwenImageTransformerConfig Config { get; }

    /// <summary>Exact number of parameters (elements), computed from shapes; works on the meta device.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>RoPE tables of the [text, image] token sequence for an image of the given token grid.</summary>
    public RotaryTables RotaryTablesFor(int textLength, int heightTokens, int widthTokens)
    {
        var device = img_in.Weight.device;
        using var text = QwenImagePositions.TextIds(textLength, heightTokens, widthTokens, device);
        using var image = QwenImagePositions.ImageIds(heightTokens, widthTokens, device);
        using var ids = cat([text, image], dim: 0);
        var (cos, sin) = pos_embed.Tables(ids);
        return new RotaryTables(cos, sin);
    }

    /// <inheritdoc />
    public override Tensor forward(QwenImageTransformerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Check(input);
        using var scope = NewDisposeScope();
        var dtype = img_in.Weight.dtype;
        var temb = time_text_embed.forward(input.Timestep.to_type(dtype).mul(Scalars.Thousand));
        using var call = new FluxCallConditioning(temb, input.Rope);
        var stack = new HostBlocks<FluxStreams>(
            [.. transformer_blocks.Select(b => new FluxDoubleBlockAdapter(b, call))],
            () => img_in.forward(input.Image.to_type(dtype)),
            image => new FluxStreams(image, txt_in.forward(txt_norm.forward(input.Text.to_type(dtype)))),
            streams => streams.Image,
            Context: FluxStreams.TextContext);
        var image = CachingRunner.Run(stack, input.Cache);
        return proj_out.call(norm_out.forward(image, temb)).MoveToOuterDisposeScope();
    }

    private void Check(QwenImageTransformerInput input)
    {
        ArgumentNullException.ThrowIfNull(input.Image);
        ArgumentNullException.ThrowIfNull(input.Text);
        ArgumentNullException.ThrowIfNull(input.Timestep);
        ArgumentNullException.ThrowIfNull(input.Rope);
        if (input.Image.dim() != 3 || input.Image.shape[2] != Config.InChannels)
        {
            throw new ArgumentException($"Image must be [B, L, {Config.InChannels}], got [{string.Join(", ", input.Image.shape)}].", nameof(input));
        }

        var batch = input.Image.shape[0];
        if (input.Text.dim() != 3 || input.Text.shape[0] != batch || input.Text.shape[2] != Config.JointAttentionDim)
        {
            throw new ArgumentException($"Text must be [{batch}, L, {Config.JointAttentionDim}], got [{string.Join(", ", input.Text.shape)}].", nameof(input));
        }

        if (input.Timestep.dim() != 1 || input.Timestep.shape[0] != batch)
        {
            throw new ArgumentException($"Timestep must be [{batch}], got [{string.Join(", ", input.Timestep.shape)}].", nameof(input));
        }

        var tokens = input.Text.shape[1] + input.Image.shape[1];
        if (input.Rope.Cos.shape[0] != tokens)
        {
            throw new ArgumentException($"The RoPE tables cover {input.Rope.Cos.shape[0]} tokens; this call has {tokens} (text + image).", nameof(input));
        }
    }
}
