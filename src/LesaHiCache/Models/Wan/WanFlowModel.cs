using LesaHiCache.Caching;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Wan;

/// <summary>
/// Adapts a <see cref="WanTransformer"/> to the sampler for videos of <paramref name="frames"/> x
/// <paramref name="heightTokens"/> x <paramref name="widthTokens"/> patches (latent frames, rows and
/// columns divided by the config's patch_size). The sampler works on packed tokens [B, L, D]: token
/// (f, h, w) of the patched video, in frame-major then row-major order, holds its patch's
/// pt x ph x pw x C latent values in that order (channel fastest, as diffusers' <c>proj_out</c> lays
/// them out), so L = frames x heightTokens x widthTokens and D = pt ph pw C. <see cref="Pack"/> and
/// <see cref="Unpack"/> convert between that layout and the pipeline's latents [B, C, F, H, W]; every
/// evaluation unpacks, runs the transformer and packs its velocity. With a <see cref="CacheSession"/>
/// the transformer skips its cached parts on the steps the session forecasts. Wan's guidance is plain
/// CFG with a negative prompt: the negative prompt's features as <see cref="SamplerOptions.NullText"/>
/// with <see cref="CfgCombination.Plain"/>. Wan has no pooled text vector: build the conditioning with <see cref="Text"/>.
/// </summary>
public sealed class WanFlowModel(WanTransformer transformer, int frames, int heightTokens, int widthTokens, CacheSession? cache = null) : IFlowModel, IDisposable
{
    private RotaryTables? rope;

    /// <summary>The wrapped transformer.</summary>
    public WanTransformer Transformer { get; } = transformer;

    /// <summary>The feature cache, if caching is on.</summary>
    public CacheSession? Cache { get; } = cache;

    /// <summary>The conditioning of text encoder token features [B, L, text_dim] (UMT5 features; no pooled vector).</summary>
    public static TextConditioning Text(Tensor tokens) => TextConditioning.TokensOnly(tokens);

    /// <summary>Latents [B, C, F, H, W] to packed tokens [B, (F/pt)(H/ph)(W/pw), pt ph pw C] (see the class comment).</summary>
    public static Tensor Pack(Tensor latents, IReadOnlyList<int> patchSize)
    {
        ArgumentNullException.ThrowIfNull(latents);
        var (pt, ph, pw) = Patch(patchSize);
        var s = latents.shape;
        if (latents.dim() != 5 || s[2] % pt != 0 || s[3] % ph != 0 || s[4] % pw != 0)
        {
            throw new ArgumentException($"Latents must be [B, C, F, H, W] with F, H, W multiples of [{pt}, {ph}, {pw}], got [{string.Join(", ", s)}].", nameof(latents));
        }

        long f = s[2] / pt, h = s[3] / ph, w = s[4] / pw;
        using var patches = latents.reshape(s[0], s[1], f, pt, h, ph, w, pw);
        using var ordered = patches.permute(0, 2, 4, 6, 3, 5, 7, 1);
        return ordered.reshape(s[0], f * h * w, -1);
    }

    /// <summary>Packed tokens [B, frames x heightTokens x widthTokens, pt ph pw C] back to latents [B, C, frames pt, heightTokens ph, widthTokens pw].</summary>
    public static Tensor Unpack(Tensor tokens, int frames, int heightTokens, int widthTokens, IReadOnlyList<int> patchSize)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var (pt, ph, pw) = Patch(patchSize);
        var s = tokens.shape;
        if (tokens.dim() != 3 || s[1] != (long)frames * heightTokens * widthTokens || s[2] % (pt * ph * pw) != 0)
        {
            throw new ArgumentException(
                $"Tokens must be [B, {frames} x {heightTokens} x {widthTokens}, {pt} x {ph} x {pw} x C], got [{string.Join(", ", s)}].", nameof(tokens));
        }

        using var patches = tokens.reshape(s[0], frames, heightTokens, widthTokens, pt, ph, pw, -1);
        using var ordered = patches.permute(0, 7, 1, 4, 2, 5, 3, 6);
        return ordered.reshape(s[0], -1, frames * pt, heightTokens * ph, widthTokens * pw);
    }

    /// <inheritdoc />
    public void BeginGeneration(IReadOnlyList<double> times, long batch, CfgLayout cfg) =>
        Cache?.BeginGeneration(times, batch, cfg, ModelIdentity.Of(Transformer));

    /// <inheritdoc />
    public void BeginStep(int step) => Cache?.BeginStep(step);

    /// <inheritdoc />
    public void EndGeneration() => Cache?.EndGeneration();

    /// <inheritdoc />
    public Tensor Velocity(Tensor latents, Tensor time, TextConditioning text)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(text);
        using var scope = NewDisposeScope();
        var patch = Transformer.Config.PatchSize;
        var video = Unpack(latents, frames, heightTokens, widthTokens, patch);
        var input = new WanTransformerInput(video, text.Tokens, time, Rope(), Cache?.NextForward(latents.shape));
        var velocity = Transformer.forward(input);
        return Pack(velocity, patch).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        rope?.Dispose();
        rope = null;
    }

    private RotaryTables Rope()
    {
        if (rope is null)
        {
            rope = Transformer.RotaryTablesFor(frames, heightTokens, widthTokens);
            rope.Cos.DetachFromDisposeScope();
            rope.Sin.DetachFromDisposeScope();
        }

        return rope;
    }

    private static (int T, int H, int W) Patch(IReadOnlyList<int> patchSize)
    {
        ArgumentNullException.ThrowIfNull(patchSize);
        if (patchSize.Count != 3 || patchSize.Any(p => p < 1))
        {
            throw new ArgumentException($"patch_size must be three positive numbers, got [{string.Join(", ", patchSize)}].", nameof(patchSize));
        }

        return (patchSize[0], patchSize[1], patchSize[2]);
    }
}
