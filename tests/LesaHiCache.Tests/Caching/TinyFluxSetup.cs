using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Caching;

/// <summary>The caching tests' model: a tiny FLUX transformer (2 double + 2 single blocks, seed 31) and a fixed two-item text conditioning.</summary>
internal sealed class TinyFluxSetup : IDisposable
{
    public TinyFluxSetup()
    {
        manual_seed(31);
        Transformer = new FluxTransformer(TestConfigs.Tiny(layers: 2, singleLayers: 2));
        Transformer.eval();
        var generator = new TorchSharp.torch.Generator(8);
        Text = new TextConditioning(randn([2, 3, 12], generator: generator), randn([2, 6], generator: generator));
    }

    public FluxTransformer Transformer { get; }

    public TextConditioning Text { get; }

    public void Dispose()
    {
        Transformer.Dispose();
        Text.Tokens.Dispose();
        Text.Pooled.Dispose();
    }
}
