// Loads a FLUX-architecture transformer from a diffusers folder and samples from it with the
// flow-matching Euler sampler. With no argument it first writes a small randomly initialised
// model to a temporary folder, so it runs anywhere with no download.
//
//   dotnet run --project samples/FluxSampling -c Release -- [model-folder] [--steps N] [--device cpu|cuda]
using System.Diagnostics;
using System.Globalization;
using LesaHiCache.Models.Flux;
using LesaHiCache.Sampling;
using static TorchSharp.torch;

var folder = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
var steps = int.Parse(Option("--steps") ?? "50", CultureInfo.InvariantCulture);
var device = new Device(Option("--device") ?? (cuda.is_available() ? "cuda" : "cpu"));
string? temporary = null;
if (folder is null)
{
    temporary = folder = Directory.CreateTempSubdirectory("lesa-flux-sample-").FullName;
    manual_seed(0);
    using var random = new FluxTransformer(new FluxTransformerConfig
    {
        InChannels = 12, NumLayers = 2, NumSingleLayers = 4, AttentionHeadDim = 32, NumAttentionHeads = 4,
        JointAttentionDim = 64, PooledProjectionDim = 64, AxesDimsRope = [8, 12, 12],
    });
    random.SavePretrained(folder);
    Console.WriteLine($"No model folder given: wrote a random {random.ParameterCount:N0}-parameter FLUX-architecture model to {folder}");
}

try
{
    using var transformer = FluxTransformer.FromPretrained(folder, ScalarType.Float32, device);
    var config = transformer.Config;
    const int HeightTokens = 16, WidthTokens = 16, TextTokens = 8, Batch = 2;
    Console.WriteLine($"Loaded {config.NumLayers} + {config.NumSingleLayers} blocks, width {config.InnerDim}, {transformer.ParameterCount:N0} parameters on {device}");

    // Any text encoder can feed the sampler; here the conditioning is seeded random features.
    var generator = new Generator(7, CPU);
    var text = new TextConditioning(
        randn([Batch, TextTokens, config.JointAttentionDim], generator: generator).to(device),
        randn([Batch, config.PooledProjectionDim], generator: generator).to(device));
    var nullText = new TextConditioning(zeros([1, TextTokens, config.JointAttentionDim], device: device), zeros([1, config.PooledProjectionDim], device: device));
    var options = new SamplerOptions { Steps = steps, GuidanceScale = 3.0, NullText = nullText };
    using var flow = new FluxFlowModel(transformer, HeightTokens, WidthTokens);
    using var noise = SeededNoise.Draw([1234, 1235], [HeightTokens * WidthTokens, config.InChannels], device);

    var clock = Stopwatch.StartNew();
    using var latents = FlowMatchEulerSampler.Sample(flow, text, noise, options, step =>
    {
        if (step.Index % 10 == 0 || step.Index == step.Steps - 1)
        {
            Console.WriteLine($"  step {step.Index + 1,3}/{step.Steps}  t {step.Time:F3} -> {step.NextTime:F3}  {clock.Elapsed.TotalSeconds:F1} s");
        }
    });
    using var image = FluxPositions.Unpack(latents.cpu(), 2 * HeightTokens, 2 * WidthTokens);
    Console.WriteLine($"Sampled {Batch} x [{string.Join(", ", image.shape[1..])}] in {clock.Elapsed.TotalSeconds:F2} s ({steps} steps, CFG 3.0, batched with the null condition): " +
        $"mean {image.mean().item<float>():F4}, std {image.std().item<float>():F4}");
}
finally
{
    if (temporary is not null)
    {
        Directory.Delete(temporary, recursive: true);
    }
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
