using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>What a block asks on a module-level forecast step, where none of its branches runs.</summary>
public interface IGatedForecasts
{
    /// <summary><paramref name="hidden"/> += <paramref name="gate"/> * forecast of branch <paramref name="slot"/>, in place (the gate broadcasts against the forecast).</summary>
    void AddTo(Tensor hidden, int slot, Tensor gate);
}
