using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Weights;

public static class WeightsAssert
{
    /// <summary>Asserts that loading throws <see cref="WeightsLoadException"/> of <paramref name="kind"/> naming the key and file, and that the module is unchanged.</summary>
    public static WeightsLoadException LoadFails(
        nn.Module module,
        string path,
        WeightsLoadErrorKind kind,
        string? key,
        string fileNameInMessage,
        WeightsLoadOptions? options = null)
    {
        var before = StateSnapshot.Of(module);
        var error = Assert.Throws<WeightsLoadException>(() => WeightsLoader.Load(module, path, options));
        Assert.Equal(kind, error.Kind);
        Assert.Contains(fileNameInMessage, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.FilePath);
        if (key is not null)
        {
            Assert.Contains(key, error.Keys);
            Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        }

        before.AssertEquals(module);
        return error;
    }
}
