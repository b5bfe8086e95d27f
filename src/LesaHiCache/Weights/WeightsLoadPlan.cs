using TorchSharp;

namespace LesaHiCache.Weights;

/// <summary>
/// Matches checkpoint entries to module tensors and checks keys, shapes and dtypes, without touching either.
/// </summary>
internal sealed class WeightsLoadPlan
{
    private const int MaxKeysInMessage = 20;

    private WeightsLoadPlan(IReadOnlyList<Copy> copies, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected)
    {
        Copies = copies;
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
    }

    /// <summary>One tensor to copy from a file into a module tensor.</summary>
    internal sealed record Copy(SafetensorsHeader Shard, SafetensorsTensorInfo Source, torch.Tensor Target, bool Converts);

    public IReadOnlyList<Copy> Copies { get; }

    public IReadOnlyList<string> MissingKeys { get; }

    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Builds the plan, throwing <see cref="WeightsLoadException"/> on the first problem found.</summary>
    public static WeightsLoadPlan Create(
        SafetensorsCheckpoint checkpoint,
        IReadOnlyDictionary<string, torch.Tensor> targets,
        WeightsLoadOptions options)
    {
        var missing = targets.Keys.Where(k => !checkpoint.TryGetTensor(k, out _, out _)).Order(StringComparer.Ordinal).ToList();
        var unexpected = checkpoint.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();

        if (options.Strict && missing.Count > 0)
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.MissingKeys,
                $"Checkpoint '{checkpoint.Root}' lacks {missing.Count} key(s) the module has: {FormatKeys(missing, _ => null)}.",
                checkpoint.Root,
                missing);
        }

        if (options.Strict && unexpected.Count > 0)
        {
            checkpoint.TryGetTensor(unexpected[0], out var firstShard, out _);
            throw new WeightsLoadException(
                WeightsLoadErrorKind.UnexpectedKeys,
                $"Checkpoint '{checkpoint.Root}' has {unexpected.Count} key(s) the module lacks: {FormatKeys(unexpected, k => ShardName(checkpoint, k))}.",
                firstShard!.FilePath,
                unexpected);
        }

        var copies = new List<Copy>();
        foreach (var (key, target) in targets)
        {
            if (checkpoint.TryGetTensor(key, out var shard, out var source))
            {
                copies.Add(new Copy(shard, source, target, Check(key, shard, source, target, options)));
            }
        }

        return new WeightsLoadPlan(copies, missing, unexpected);
    }

    /// <summary>Checks shape and dtype; returns whether the copy converts dtype.</summary>
    private static bool Check(string key, SafetensorsHeader shard, SafetensorsTensorInfo source, torch.Tensor target, WeightsLoadOptions options)
    {
        var expectedShape = target.shape;
        if (!expectedShape.SequenceEqual(source.Shape))
        {
            throw new WeightsLoadException(
                WeightsLoadErrorKind.ShapeMismatch,
                $"Tensor '{key}' in '{shard.FilePath}' has shape {source.ShapeText} but the module expects {SafetensorsTensorInfo.FormatShape(expectedShape)}.",
                shard.FilePath,
                [key]);
        }

        var sourceType = source.ScalarType ?? throw new WeightsLoadException(
            WeightsLoadErrorKind.UnsupportedDtype,
            $"Tensor '{key}' in '{shard.FilePath}' has dtype {source.DType}, which this library cannot load.",
            shard.FilePath,
            [key]);

        var targetType = target.dtype;
        if (sourceType == targetType)
        {
            return false;
        }

        var bothFloat = SafetensorsDType.IsFloatingPoint(sourceType) && SafetensorsDType.IsFloatingPoint(targetType);
        if (options.ExactDtype || !bothFloat)
        {
            var why = options.ExactDtype && bothFloat
                ? "ExactDtype is set"
                : "only floating-point tensors are converted";
            throw new WeightsLoadException(
                WeightsLoadErrorKind.DtypeMismatch,
                $"Tensor '{key}' in '{shard.FilePath}' has dtype {source.DType} ({sourceType}) but the module's is {targetType}; {why}.",
                shard.FilePath,
                [key]);
        }

        return true;
    }

    private static string? ShardName(SafetensorsCheckpoint checkpoint, string key) =>
        checkpoint.TryGetTensor(key, out var shard, out _) ? Path.GetFileName(shard.FilePath) : null;

    private static string FormatKeys(List<string> keys, Func<string, string?> location)
    {
        var shown = keys.Take(MaxKeysInMessage).Select(k => location(k) is { } file ? $"'{k}' (in {file})" : $"'{k}'");
        var more = keys.Count > MaxKeysInMessage ? $" and {keys.Count - MaxKeysInMessage} more" : string.Empty;
        return string.Join(", ", shown) + more;
    }
}
