using LesaHiCache.Caching;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Models.Flux;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// The Wan 2.1 text-to-video transformer (diffusers <c>WanTransformer3DModel</c>): a Conv3d patch
/// embedding of the video latents, the time embedding and its projection to six modulation vectors per
/// block, the text features projected to the model width, blocks of self-attention (3D RoPE over
/// frames, rows and columns), cross-attention to the text and a feed-forward network, and an output
/// LayerNorm modulated by the top-level <c>scale_shift_table</c>, a linear, and the unpatchify.
/// Field names reproduce diffusers' state-dict keys. Takes and returns latents [B, C, F, H, W].
/// Caching: the module level caches each block's three branches added to the video stream (the
/// cross-attention among them, so a forecast step forecasts the attention to the text too), the model
/// level the stack's output.
/// </summary>
public sealed class WanTransformer : nn.Module<WanTransformerInput, Tensor>
{
    private readonly WanPatchEmbedding patch_embedding;
    private readonly WanConditionEmbedder condition_embedder;
    private readonly TorchSharp.Modules.ModuleList<WanTransformerBlock> blocks;
    private readonly WanLayerNorm norm_out;
    private readonly LinearLayer proj_out;
    private readonly TorchSharp.Modules.Parameter scale_shift_table;
    private readonly RotaryEmbedding rope;

    /// <summary>Builds the model; <paramref name="build"/> chooses device, dtype and initialisation.</summary>
    public WanTransformer(WanTransformerConfig config, ModuleBuild? build = null) : base(nameof(WanTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        build ??= ModuleBuild.Cpu;
        Config = config;
        long dim = config.InnerDim;
        rope = new RotaryEmbedding(config.RopeAxesDims);
        patch_embedding = new WanPatchEmbedding(config.InChannels, dim, config.PatchSize, build);
        condition_embedder = new WanConditionEmbedder(dim, config.FreqDim, config.TextDim, build);
        blocks = nn.ModuleList(Enumerable.Range(0, config.NumLayers)
            .Select(_ => new WanTransformerBlock(dim, config.FfnDim, config.NumAttentionHeads, config.CrossAttnNorm, config.Eps, build)).ToArray());
        norm_out = new WanLayerNorm(dim, config.Eps, affine: false, build);
        proj_out = new LinearLayer(dim, config.OutputLatentChannels * config.PatchVolume, build);
        scale_shift_table = build.NewParameter(1, 2, dim);
        if (build.ShouldInitialize)
        {
            using var _ = no_grad();
            scale_shift_table.normal_(0, 1.0 / Math.Sqrt(dim)); // torch.randn(1, 2, dim) / dim**0.5
        }

        RegisterComponents();
    }

    /// <summary>
    /// Loads a diffusers <c>transformer/</c> folder (config.json + safetensors, single or sharded),
    /// built uninitialised on <paramref name="device"/> in <paramref name="dtype"/>; returned in eval mode.
    /// </summary>
    /// <exception cref="WeightsLoadException">The weights are missing, corrupt or do not fit the config.</exception>
    public static WanTransformer FromPretrained(string folder, ScalarType dtype = ScalarType.Float32, Device? device = null, WeightsLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var config = WanTransformerConfig.Load(folder);
        return PretrainedWeights.Load(folder, () => new WanTransformer(config, new ModuleBuild(device ?? CPU, dtype, Initialize: false)), options);
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
        CacheMemoryPlan.For(level, [.. Enumerable.Repeat(WanTransformerBlock.CachedSlots, Config.NumLayers)], rows, tokens, Config.InnerDim, schedule, textTokens);

    /// <summary>The architecture.</summary>
    public WanTransformerConfig Config { get; }

    /// <summary>Exact number of parameters (elements), computed from shapes; works on the meta device.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// RoPE tables [F x H x W, head_dim] of the video tokens of a latent video of <paramref name="frames"/>
    /// x <paramref name="heightTokens"/> x <paramref name="widthTokens"/> patches (<see cref="WanPositions"/>;
    /// head channels split per axis as <see cref="WanTransformerConfig.RopeAxesDims"/>).
    /// </summary>
    public RotaryTables RotaryTablesFor(int frames, int heightTokens, int widthTokens)
    {
        var max = Config.RopeMaxSeqLen;
        if (frames > max || heightTokens > max || widthTokens > max)
        {
            throw new ArgumentException($"The RoPE tables cover {max} positions per axis; asked for {frames} x {heightTokens} x {widthTokens} tokens.");
        }

        using var ids = WanPositions.Ids(frames, heightTokens, widthTokens, proj_out.Weight.device);
        var (cos, sin) = rope.Tables(ids);
        return new RotaryTables(cos, sin);
    }

    /// <inheritdoc />
    public override Tensor forward(WanTransformerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Check(input);
        using var scope = NewDisposeScope();
        var dtype = proj_out.Weight.dtype;
        var shape = input.Latents.shape;
        var (pt, ph, pw) = (Config.PatchSize[0], Config.PatchSize[1], Config.PatchSize[2]);
        long batch = shape[0], frames = shape[2] / pt, height = shape[3] / ph, width = shape[4] / pw;
        var temb = condition_embedder.Time(input.Timestep, dtype);
        using var call = new WanCallConditioning(condition_embedder, temb, Config.InnerDim, input.Rope);
        var stack = new HostBlocks<FluxStreams>(
            [.. blocks.Select(b => new WanBlockAdapter(b, call))],
            () => patch_embedding.forward(input.Latents.to_type(dtype)).flatten(2).transpose(1, 2).contiguous(),
            video => new FluxStreams(video, condition_embedder.Text(input.Text.to_type(dtype))),
            streams => streams.Image,
            Context: FluxStreams.TextContext);
        var hidden = CachingRunner.Run(stack, input.Cache);

        var modulation = scale_shift_table.to_type(ScalarType.Float32).add(temb.to_type(ScalarType.Float32).unsqueeze(1)).chunk(2, dim: 1);
        var (shift, scale) = (modulation[0], modulation[1]);
        var normed = norm_out.forward(hidden.to_type(ScalarType.Float32)).mul(scale.add(Scalars.One)).add(shift).to_type(hidden.dtype);
        var output = proj_out.call(normed)
            .reshape(batch, frames, height, width, pt, ph, pw, -1)
            .permute(0, 7, 1, 4, 2, 5, 3, 6)
            .reshape(batch, -1, frames * pt, height * ph, width * pw);
        return output.MoveToOuterDisposeScope();
    }

    private void Check(WanTransformerInput input)
    {
        ArgumentNullException.ThrowIfNull(input.Latents);
        ArgumentNullException.ThrowIfNull(input.Text);
        ArgumentNullException.ThrowIfNull(input.Timestep);
        ArgumentNullException.ThrowIfNull(input.Rope);
        var shape = input.Latents.shape;
        var patch = Config.PatchSize;
        if (input.Latents.dim() != 5 || shape[1] != Config.InChannels || shape[2] % patch[0] != 0 || shape[3] % patch[1] != 0 || shape[4] % patch[2] != 0)
        {
            throw new ArgumentException(
                $"Latents must be [B, {Config.InChannels}, F, H, W] with F, H, W multiples of [{string.Join(", ", patch)}], got [{string.Join(", ", shape)}].", nameof(input));
        }

        var batch = shape[0];
        if (input.Text.dim() != 3 || input.Text.shape[0] != batch || input.Text.shape[2] != Config.TextDim)
        {
            throw new ArgumentException($"Text must be [{batch}, L, {Config.TextDim}], got [{string.Join(", ", input.Text.shape)}].", nameof(input));
        }

        if (input.Timestep.dim() != 1 || input.Timestep.shape[0] != batch)
        {
            throw new ArgumentException($"Timestep must be [{batch}], got [{string.Join(", ", input.Timestep.shape)}].", nameof(input));
        }

        var tokens = shape[2] / patch[0] * (shape[3] / patch[1]) * (shape[4] / patch[2]);
        if (input.Rope.Cos.shape[0] != tokens)
        {
            throw new ArgumentException($"The RoPE tables cover {input.Rope.Cos.shape[0]} tokens; this call has {tokens} video tokens.", nameof(input));
        }
    }
}
