using static TorchSharp.torch;

namespace LesaHiCache.Layers;

/// <summary>The six modulation vectors of a double-stream block's stream, each [B, C].</summary>
internal sealed record ZeroModulation(Tensor ShiftMsa, Tensor ScaleMsa, Tensor GateMsa, Tensor ShiftMlp, Tensor ScaleMlp, Tensor GateMlp);
