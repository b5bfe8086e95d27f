using System.Text;
using LesaHiCache.Weights;

namespace LesaHiCache.Tests.Weights;

/// <summary>What the format forbids is refused, with the file named: invalid UTF-8, holes, trailing data.</summary>
public sealed class SafetensorsStrictnessTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static WeightsLoadException Refused(string path)
    {
        var error = Assert.Throws<WeightsLoadException>(() => SafetensorsHeader.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void AnInvalidUtf8Key_IsACorruptFile()
    {
        var path = temp.File("utf8.safetensors");
        var json = Encoding.UTF8.GetBytes("{\"a\u00e9\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        var at = Array.IndexOf(json, (byte)0xC3);
        json[at] = 0xFF; // no UTF-8 sequence starts with 0xFF
        RawSafetensors.WithLengthPrefix(path, (ulong)json.Length, json, RawSafetensors.F32(1f));
        var error = Refused(path);
        Assert.Equal(WeightsLoadErrorKind.Corrupt, error.Kind);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesBeforeTheFirstTensor_AreAHole()
    {
        var path = temp.File("gap.safetensors");
        RawSafetensors.Write(path, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", RawSafetensors.F32(0f, 1f));
        Assert.Contains("unindexed bytes", Refused(path).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesBetweenTensors_AreAHole()
    {
        var path = temp.File("between.safetensors");
        RawSafetensors.Write(path, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", RawSafetensors.F32(0f, 1f, 2f));
        var error = Refused(path);
        Assert.Equal("b", error.Key);
    }

    [Fact]
    public void BytesAfterTheLastTensor_AreTrailingData()
    {
        var path = temp.File("junk.safetensors");
        RawSafetensors.Write(path, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", RawSafetensors.F32(0f, 1f));
        Assert.Contains("trailing data", Refused(path).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFullyIndexedFile_IsAccepted()
    {
        var path = temp.File("ok.safetensors");
        RawSafetensors.Write(path, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", RawSafetensors.F32(1f));
        Assert.Equal(2, SafetensorsHeader.Read(path).Tensors.Count);
    }
}
