using LesaHiCache.Caching;
using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace DiTBlockCaching;

/// <summary>
/// A DiT block with adaLN-Zero (Peebles and Xie): a model the library knows nothing about.
/// x = x + gate_msa * attn(modulate(norm(x))); x = x + gate_mlp * mlp(modulate(norm(x))).
/// For module-level caching it hands its two branch outputs (before the gates) to the runner, and on
/// a forecast step it computes only the gates.
/// </summary>
internal sealed class DiTBlock : nn.Module<Tensor, Tensor, Tensor>
{
    public const int AttentionSlot = 0;
    public const int MlpSlot = 1;

    private readonly LinearLayer adaLN_modulation;
    private readonly LinearLayer qkv;
    private readonly LinearLayer proj;
    private readonly FeedForward mlp;
    private readonly long heads;

    public DiTBlock(long dim, long heads, ModuleBuild build) : base(nameof(DiTBlock))
    {
        this.heads = heads;
        adaLN_modulation = new LinearLayer(dim, 6 * dim, build);
        qkv = new LinearLayer(dim, 3 * dim, build);
        proj = new LinearLayer(dim, dim, build);
        mlp = new FeedForward(dim, build);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor conditioning) => Forward(x, conditioning, IBranchOutputs.None);

    /// <summary>The block, handing the attention and MLP outputs (before their gates) to <paramref name="branches"/>.</summary>
    public Tensor Forward(Tensor x, Tensor conditioning, IBranchOutputs branches)
    {
        using var scope = NewDisposeScope();
        var m = Modulation(conditioning);
        var dim = x.shape[2];
        var h = nn.functional.layer_norm(x, [dim], eps: 1e-6) * (1 + m[1]) + m[0];
        var parts = qkv.call(h).unflatten(2, [3, heads, dim / heads]).unbind(2);
        var attention = proj.call(Attention.Compute(parts[0], parts[1], parts[2]));
        branches.Computed(AttentionSlot, attention);
        x = x + m[2] * attention;
        h = nn.functional.layer_norm(x, [dim], eps: 1e-6) * (1 + m[4]) + m[3];
        var feedForward = mlp.call(h);
        branches.Computed(MlpSlot, feedForward);
        return (x + m[5] * feedForward).MoveToOuterDisposeScope();
    }

    /// <summary>A forecast step: x += gate_msa * forecast(attention) + gate_mlp * forecast(MLP), in place.</summary>
    public void AddForecasts(Tensor x, Tensor conditioning, IGatedForecasts forecasts)
    {
        using var scope = NewDisposeScope();
        var m = Modulation(conditioning);
        forecasts.AddTo(x, AttentionSlot, m[2]);
        forecasts.AddTo(x, MlpSlot, m[5]);
    }

    private Tensor[] Modulation(Tensor conditioning) => adaLN_modulation.call(nn.functional.silu(conditioning)).unsqueeze(1).chunk(6, dim: 2);
}
