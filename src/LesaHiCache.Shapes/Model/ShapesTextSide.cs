using System.Text.Json;
using LesaHiCache.Layers;
using LesaHiCache.Sampling;
using LesaHiCache.Weights;
using static TorchSharp.torch;

namespace LesaHiCache.Shapes.Model;

/// <summary>
/// The text side that the image and the video shapes models share: the word tokenizer and the text
/// encoder, their files in a model folder (<c>tokenizer.json</c>, <c>text_encoder/</c>), encoding,
/// and the checks every generation makes before any compute.
/// </summary>
internal static class ShapesTextSide
{
    /// <summary>Checks that <paramref name="folder"/> exists and holds <paramref name="expected"/>'s vocabulary, then loads its text encoder in float32.</summary>
    public static ShapesTextEncoder LoadTextEncoder(string folder, WordTokenizer expected, Device? device, string taskName)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"No model folder at '{folder}'.");
        }

        var tokenizerPath = Path.Combine(folder, "tokenizer.json");
        var words = JsonSerializer.Deserialize<string[]>(File.ReadAllText(tokenizerPath))
            ?? throw new FormatException($"{tokenizerPath}: empty tokenizer.");
        if (!words.SequenceEqual(expected.Words))
        {
            throw new FormatException($"{tokenizerPath}: the vocabulary differs from this library's {taskName} vocabulary; the model was trained for another task or version.");
        }

        var textFolder = Path.Combine(folder, "text_encoder");
        var textConfigPath = Path.Combine(textFolder, "config.json");
        var textConfig = ShapesTextEncoderConfig.Parse(File.ReadAllText(textConfigPath), textConfigPath);
        if (textConfig.MaxLength != expected.MaxLength || textConfig.VocabSize != expected.VocabularySize)
        {
            throw new FormatException($"{textConfigPath}: vocab_size {textConfig.VocabSize} and max_position_embeddings {textConfig.MaxLength} must be the tokenizer's {expected.VocabularySize} and {expected.MaxLength}.");
        }

        var textEncoder = new ShapesTextEncoder(textConfig, new ModuleBuild(device ?? CPU, ScalarType.Float32, Initialize: false));
        try
        {
            WeightsLoader.Load(textEncoder, textFolder);
            textEncoder.eval();
            return textEncoder;
        }
        catch
        {
            textEncoder.Dispose();
            throw;
        }
    }

    /// <summary>Writes <c>tokenizer.json</c> and <c>text_encoder/</c> into <paramref name="folder"/>.</summary>
    public static void Save(string folder, WordTokenizer tokenizer, ShapesTextEncoder textEncoder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), JsonSerializer.Serialize(tokenizer.Words));
        var textFolder = Path.Combine(folder, "text_encoder");
        Directory.CreateDirectory(textFolder);
        File.WriteAllText(Path.Combine(textFolder, "config.json"), textEncoder.Config.ToJson());
        WeightsSaver.Save(textEncoder, textFolder);
    }

    /// <summary>All trainable parameters, keyed as "text_encoder.*" and "transformer.*".</summary>
    public static Dictionary<string, Tensor> StateDict(ShapesTextEncoder textEncoder, nn.Module transformer)
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (key, value) in textEncoder.state_dict())
        {
            state["text_encoder." + key] = value;
        }

        foreach (var (key, value) in transformer.state_dict())
        {
            state["transformer." + key] = value;
        }

        return state;
    }

    /// <summary>Encodes prompts (unknown words are a <see cref="Task.PromptException"/>); "" is the null condition.</summary>
    public static TextConditioning Encode(WordTokenizer tokenizer, ShapesTextEncoder textEncoder, IReadOnlyList<string> prompts, Device device)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var ids = prompts.SelectMany(tokenizer.Encode).ToArray();
        using var idTensor = tensor(ids, [prompts.Count, tokenizer.MaxLength], device: device);
        return textEncoder.forward(idTensor);
    }

    /// <summary>Checks one seed per prompt and parses every prompt with <paramref name="parse"/>, before any compute.</summary>
    public static void CheckPrompts(IReadOnlyList<string> prompts, IReadOnlyList<long> seeds, Action<string> parse)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(seeds);
        if (prompts.Count == 0 || prompts.Count != seeds.Count)
        {
            throw new ArgumentException($"Give one seed per prompt ({prompts.Count} prompts, {seeds.Count} seeds).", nameof(seeds));
        }

        foreach (var prompt in prompts)
        {
            parse(prompt);
        }
    }
}
