using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LesaHiCache.Tests.Weights;

/// <summary>
/// A small transformer-shaped module whose state-dict keys look like a diffusers DiT
/// (<c>blocks.0.attn.to_q.weight</c>), with a float and an int64 buffer.
/// </summary>
public sealed class TinyTransformer : Module
{
    public const int Dim = 16;

    private readonly Linear proj_in = Linear(8, Dim);
    private readonly ModuleList<TinyBlock> blocks = new(new TinyBlock(), new TinyBlock());
    private readonly LayerNorm norm_out = LayerNorm(Dim);
    private readonly Linear proj_out = Linear(Dim, 8);

    private TinyTransformer()
        : base(nameof(TinyTransformer))
    {
        register_buffer("freqs", torch.zeros(Dim));
        register_buffer("positions", torch.arange(4L));
        RegisterComponents();
    }

    /// <summary>A model with every parameter and buffer drawn from <paramref name="seed"/>, in <paramref name="dtype"/>.</summary>
    public static TinyTransformer Create(int seed, ScalarType dtype = ScalarType.Float32)
    {
        torch.manual_seed(seed);
        var model = new TinyTransformer();
        using (torch.no_grad())
        {
            foreach (var (_, tensor) in model.state_dict())
            {
                if (tensor.is_floating_point())
                {
                    using var values = torch.randn(tensor.shape);
                    tensor.copy_(values);
                }
                else
                {
                    using var values = torch.randint(0, 1000, tensor.shape, dtype: tensor.dtype);
                    tensor.copy_(values);
                }
            }
        }

        model.to(dtype);
        return model;
    }

    public sealed class TinyAttention : Module
    {
        private readonly Linear to_q = Linear(Dim, Dim);
        private readonly Linear to_k = Linear(Dim, Dim);
        private readonly Linear to_v = Linear(Dim, Dim);
        private readonly Linear to_out = Linear(Dim, Dim);

        public TinyAttention()
            : base(nameof(TinyAttention)) => RegisterComponents();
    }

    public sealed class TinyBlock : Module
    {
        private readonly LayerNorm norm1 = LayerNorm(Dim);
        private readonly TinyAttention attn = new();
        private readonly LayerNorm norm2 = LayerNorm(Dim);
        private readonly Linear ff = Linear(Dim, Dim);

        public TinyBlock()
            : base(nameof(TinyBlock)) => RegisterComponents();
    }
}
