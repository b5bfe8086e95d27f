using System.Diagnostics;
using System.Globalization;
using LesaHiCache.Caching.Schedules;
using LesaHiCache.Layers;
using LesaHiCache.Lesa;
using LesaHiCache.Sampling;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Weights;

/// <summary>
/// Damaged files (random truncations, bit flips, header edits; fixed seeds, bounded count) given to
/// the safetensors and predictor readers: each either loads or fails with a documented exception
/// naming the file, and nothing large is allocated. Set LESAHICACHE_FUZZ_ITERATIONS for a longer run.
/// </summary>
[Collection("TorchSharp")]
public sealed class ReaderFuzzTests : IDisposable
{
    private const long AllocationBound = 300_000_000;
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("LESAHICACHE_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 150;

    private static byte[] Damaged(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0: // truncation
                return bytes[..random.Next(bytes.Length)];
            case 1: // bit flips anywhere
                for (var i = random.Next(1, 9); i > 0; i--)
                {
                    var at = random.Next(bytes.Length);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 2: // an edit in the header: a byte replaced by a digit, a quote, a brace or a minus
                var headerEnd = (int)Math.Min(bytes.Length, 8 + (long)BitConverter.ToUInt64(bytes, 0));
                var position = random.Next(8, Math.Max(9, headerEnd));
                bytes[Math.Min(position, bytes.Length - 1)] = "0123456789\"{}-e,"u8[random.Next(16)];
                return bytes;
            default: // the length prefix
                var length = BitConverter.ToUInt64(bytes, 0);
                BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), random.Next(3) switch { 0 => length + (ulong)random.Next(1, 64), 1 => length - (ulong)random.Next(1, (int)Math.Min(64, length)), _ => (ulong)random.NextInt64() });
                return bytes;
        }
    }

    /// <summary>Runs <paramref name="read"/> on damaged copies of <paramref name="original"/>; returns how many loaded.</summary>
    private int Fuzz(string original, int seed, Action<string> read)
    {
        var source = File.ReadAllBytes(original);
        var random = new Random(seed);
        var loaded = 0;
        var baseline = Process.GetCurrentProcess().WorkingSet64;
        for (var i = 0; i < Iterations; i++)
        {
            var path = temp.File($"fuzz-{seed}-{i}.safetensors");
            File.WriteAllBytes(path, Damaged(source, random));
            try
            {
                read(path);
                loaded++;
            }
            catch (WeightsLoadException e)
            {
                Assert.True(e.FilePath == path && e.Message.Contains(path, StringComparison.Ordinal), $"iteration {i}: the error does not name the file: {e.Message}");
            }
            catch (FormatException e)
            {
                Assert.True(e.Message.Contains(path, StringComparison.Ordinal), $"iteration {i}: the error does not name the file: {e.Message}");
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i} (seed {seed}): undocumented {e.GetType().Name}: {e.Message}");
            }

            File.Delete(path);
            Assert.True(Process.GetCurrentProcess().WorkingSet64 - baseline < AllocationBound, $"iteration {i}: working set grew by more than {AllocationBound / 1e6:F0} MB");
        }

        return loaded;
    }

    [Fact]
    public void DamagedSafetensorsFiles_LoadOrFailWithTheFileNamed()
    {
        var original = temp.File("weights.safetensors");
        using (var scope = NewDisposeScope())
        {
            manual_seed(3);
            WeightsSaver.Save(new Dictionary<string, Tensor> { ["a.weight"] = randn(8, 4), ["a.bias"] = randn(8), ["b"] = randn(3).to(ScalarType.Float16) }, original);
        }

        var loaded = Fuzz(original, seed: 101, path =>
        {
            using var scope = NewDisposeScope();
            var targets = new Dictionary<string, Tensor> { ["a.weight"] = zeros(8, 4), ["a.bias"] = zeros(8), ["b"] = zeros(3) };
            WeightsLoader.Load(targets, path);
        });
        Assert.InRange(loaded, 1, Iterations - 1); // some damage (bit flips in the data) is harmless, most is not
    }

    [Fact]
    public void DamagedPredictorFiles_LoadOrFailWithTheFileNamed()
    {
        var times = new FlowMatchSchedule(8, TimestepShift.None, 16).Times;
        var schedule = new FixedIntervalSchedule(3, warmup: 1);
        var original = temp.File("predictor.safetensors");
        using (var predictor = new LesaPredictor(
            new LesaPredictorInfo { ModelFingerprint = "test", Steps = 8, Times = times, Schedule = schedule.Name, FullSteps = LesaPredictor.FullStepsOf(schedule, times), Config = new LesaConfig { GainWidths = [4] } },
            ModuleBuild.Cpu))
        {
            predictor.Save(original);
        }

        Fuzz(original, seed: 202, path =>
        {
            using var predictor = LesaPredictor.Load(path);
        });
    }
}
