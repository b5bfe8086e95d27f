using LesaHiCache.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LesaHiCache.Tests.Weights;

/// <summary>Files built byte by byte here (header JSON + raw little-endian values), independent of the saver.</summary>
[Collection("TorchSharp")]
public sealed class HandWrittenSafetensorsTests : IDisposable
{
    // Keys deliberately out of data order, header unpadded, mixed dtypes.
    private const string Header =
        """
        {"__metadata__":{"format":"pt"},
         "norm.weight":{"dtype":"BF16","shape":[2],"data_offsets":[32,36]},
         "proj.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},
         "proj.bias":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},
         "norm.bias":{"dtype":"F32","shape":[2],"data_offsets":[36,44]},
         "step":{"dtype":"I64","shape":[],"data_offsets":[44,52]},
         "pad":{"dtype":"F16","shape":[2],"data_offsets":[28,32]}}
        """;

    private static readonly float[] ProjWeight = [1.5f, -2.25f, 0.125f, 3f, -0.5f, 1024f];
    private static readonly float[] ProjBias = [0.75f, -8f];
    private static readonly float[] NormWeight = [2.5f, -0.375f];
    private static readonly float[] NormBias = [0.1f, -0.2f];

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Hand_built_file_loads_expected_values_converting_to_module_dtype()
    {
        var path = WriteFile();
        using var module = new HandModule();

        var result = WeightsLoader.Load(module, path);

        var state = module.state_dict();
        Assert.Equal(ProjWeight, Values(state["proj.weight"]));
        Assert.Equal(ProjBias, Values(state["proj.bias"]));
        Assert.Equal(NormWeight, Values(state["norm.weight"]));
        Assert.Equal(NormBias, Values(state["norm.bias"]));
        Assert.Equal(42L, state["step"].item<long>());
        Assert.Equal([2L, 3L], state["proj.weight"].shape);
        Assert.Equal(["norm.weight", "pad", "proj.bias"], result.ConvertedKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Hand_built_file_loads_exact_bits_into_tensors_of_the_file_dtypes()
    {
        var path = WriteFile();
        using var scope = NewDisposeScope();
        var targets = new Dictionary<string, Tensor>
        {
            ["proj.weight"] = zeros(2, 3),
            ["proj.bias"] = zeros(2, dtype: ScalarType.Float16),
            ["pad"] = zeros(2, dtype: ScalarType.Float16),
            ["norm.weight"] = zeros(2, dtype: ScalarType.BFloat16),
            ["norm.bias"] = zeros(2),
            ["step"] = zeros(Array.Empty<long>(), ScalarType.Int64),
        };

        var result = WeightsLoader.Load(targets, path, new WeightsLoadOptions { ExactDtype = true });

        Assert.Empty(result.ConvertedKeys);
        Assert.Equal(RawSafetensors.F32(ProjWeight), StateSnapshot.Bytes(targets["proj.weight"]));
        Assert.Equal(RawSafetensors.F16(ProjBias), StateSnapshot.Bytes(targets["proj.bias"]));
        Assert.Equal(RawSafetensors.F16(9f, 10f), StateSnapshot.Bytes(targets["pad"]));
        Assert.Equal(RawSafetensors.BF16(NormWeight), StateSnapshot.Bytes(targets["norm.weight"]));
        Assert.Equal(RawSafetensors.F32(NormBias), StateSnapshot.Bytes(targets["norm.bias"]));
        Assert.Equal(RawSafetensors.I64(42), StateSnapshot.Bytes(targets["step"]));
    }

    private string WriteFile()
    {
        var data = RawSafetensors.Concat(
            RawSafetensors.F32(ProjWeight),     // [0, 24)
            RawSafetensors.F16(ProjBias),       // [24, 28)
            RawSafetensors.F16(9f, 10f),        // [28, 32) pad
            RawSafetensors.BF16(NormWeight),    // [32, 36)
            RawSafetensors.F32(NormBias),       // [36, 44)
            RawSafetensors.I64(42));            // [44, 52)
        Assert.Equal(52, data.Length);
        var path = temp.File("hand.safetensors");
        RawSafetensors.Write(path, Header, data);
        return path;
    }

    private static float[] Values(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
    }

    private sealed class HandModule : Module
    {
        private readonly Linear proj = Linear(3, 2);
        private readonly LayerNorm norm = LayerNorm(2);

        public HandModule()
            : base(nameof(HandModule))
        {
            register_buffer("step", zeros(Array.Empty<long>(), ScalarType.Int64));
            register_parameter("pad", new Parameter(zeros(2)));
            RegisterComponents();
        }
    }
}
