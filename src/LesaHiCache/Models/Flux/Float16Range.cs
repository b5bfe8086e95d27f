using LesaHiCache.Layers;
using static TorchSharp.torch;

namespace LesaHiCache.Models.Flux;

/// <summary>Keeps float16 tokens finite (diffusers clips the FLUX blocks' float16 outputs the same way).</summary>
internal static class Float16Range
{
    /// <summary>Clamps <paramref name="tokens"/> to the float16 range in place when they are float16; returns them.</summary>
    public static Tensor ClampInPlace(Tensor tokens)
    {
        if (tokens.dtype == ScalarType.Float16)
        {
            tokens.clamp_(Scalars.Float16Min, Scalars.Float16Max);
        }

        return tokens;
    }
}
