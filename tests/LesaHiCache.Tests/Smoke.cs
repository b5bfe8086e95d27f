using static TorchSharp.torch;
namespace LesaHiCache.Tests; public class Smoke { [Fact] public void Loads() { using var t = ones(2); Assert.Equal(2f, t.sum().item<float>()); } }
