using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Lesa;
using LesaHiCache.Sampling;
using LesaHiCache.Tests.Weights;
using LesaHiCache.Weights;

namespace LesaHiCache.Tests.Lesa;

/// <summary>Predictor files whose metadata was edited: refused before anything is allocated, with the file named.</summary>
public sealed class PredictorFileTamperingTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string original;

    public PredictorFileTamperingTests()
    {
        var times = new FlowMatchSchedule(10, TimestepShift.None, 16).Times;
        var schedule = new FixedIntervalSchedule(3, warmup: 1);
        using var predictor = new LesaPredictor(
            new LesaPredictorInfo { ModelFingerprint = "test", Steps = 10, Times = times, Schedule = schedule.Name, FullSteps = LesaPredictor.FullStepsOf(schedule, times), Config = new LesaConfig { GainWidths = [4, 4] } },
            ModuleBuild.Cpu);
        original = Path.Combine(folder.Path, "predictor.safetensors");
        predictor.Save(original);
    }

    public void Dispose() => folder.Dispose();

    /// <summary>A copy of the predictor file with <paramref name="edit"/> applied to its LESA metadata.</summary>
    private string Edited(string name, Action<JsonObject> edit)
    {
        var bytes = File.ReadAllBytes(original);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength))!.AsObject();
        var metadata = header["__metadata__"]!.AsObject();
        var info = JsonNode.Parse(metadata[LesaPredictor.MetadataKey]!.GetValue<string>())!.AsObject();
        edit(info);
        metadata[LesaPredictor.MetadataKey] = info.ToJsonString();
        var path = Path.Combine(folder.Path, name + ".safetensors");
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        RawSafetensors.WithLengthPrefix(path, (ulong)json.Length, json, bytes[(8 + headerLength)..]);
        return path;
    }

    private static JsonObject Config(JsonObject info) => info.First(p => p.Key.Equals("Config", StringComparison.OrdinalIgnoreCase)).Value!.AsObject();

    private static void SetConfig(JsonObject info, string field, JsonNode value)
    {
        var config = Config(info);
        var key = config.First(p => p.Key.Equals(field, StringComparison.OrdinalIgnoreCase)).Key;
        config[key] = value;
    }

    public static TheoryData<string, string> Edits => new()
    {
        { "grid-2e9", "grid" },
        { "grid-1e7", "grid" },
        { "widths-1e5", "gain" },
        { "steps-1e6", "steps" },
        { "grid-6", "shape" },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void AnEditedNumber_IsRefusedBeforeAllocation_NamingTheFile(string edit, string expected)
    {
        var path = Edited(edit, info =>
        {
            switch (edit)
            {
                case "grid-2e9": SetConfig(info, "GridSize", 2_000_000_000); break;
                case "grid-1e7": SetConfig(info, "GridSize", 10_000_000); break;
                case "widths-1e5": SetConfig(info, "GainWidths", new JsonArray(100_000, 100_000)); break;
                case "grid-6": SetConfig(info, "GridSize", 6); break;
                default: info[info.First(p => p.Key.Equals("Steps", StringComparison.OrdinalIgnoreCase)).Key] = 1_000_000; break;
            }
        });
        var before = Process.GetCurrentProcess().WorkingSet64;
        var error = Assert.Throws<WeightsLoadException>(() => LesaPredictor.Load(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(Process.GetCurrentProcess().WorkingSet64 - before < 200_000_000, "no large allocation");
    }

    [Fact]
    public void TheUneditedFile_Loads()
    {
        using var predictor = LesaPredictor.Load(original);
        Assert.Equal(10, predictor.Info.Steps);
    }
}
