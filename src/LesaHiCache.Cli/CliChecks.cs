using LesaHiCache.Caching;
using LesaHiCache.Caching.Methods;

namespace LesaHiCache.Cli;

/// <summary>Checks of a command's inputs and outputs, run before any long work; each failure is a <see cref="UsageException"/> naming the option.</summary>
internal static class CliChecks
{
    private static readonly string[] ShapesModelFiles = ["tokenizer.json", Path.Combine("text_encoder", "config.json"), Path.Combine("transformer", "config.json")];

    /// <summary>A shapes model folder as <c>train-model</c> writes it.</summary>
    public static void ShapesModelFolder(string folder, string option)
    {
        ExistingFolder(folder, option);
        var missing = ShapesModelFiles.FirstOrDefault(f => !File.Exists(Path.Combine(folder, f)));
        if (missing is not null)
        {
            throw new UsageException($"{option}: '{folder}' is not a shapes model folder: it has no {missing.Replace('\\', '/')} (train-model writes one).");
        }
    }

    /// <summary>The cache level named by <paramref name="text"/> (module, model or block), or a usage error naming <paramref name="option"/>.</summary>
    public static CacheLevel Level(string text, string option) =>
        CacheMethods.TryParseLevel(text, out var level) ? level : throw new UsageException($"{option} is module, model or block, not '{text}'.");

    /// <summary>An integer option's lower bound.</summary>
    public static void AtLeast(long value, long minimum, string option)
    {
        if (value < minimum)
        {
            throw new UsageException($"{option} must be at least {minimum}, not {value}.");
        }
    }

    /// <summary>A share: a number in [0, 1].</summary>
    public static void Share(double value, string option)
    {
        if (value is < 0 or > 1 || double.IsNaN(value))
        {
            throw new UsageException($"{option} must be in [0, 1], not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }

    /// <summary>A torch device name ("cpu", "cuda", "cuda:1") that this machine has.</summary>
    public static TorchSharp.torch.Device Device(string name, string option)
    {
        TorchSharp.torch.Device device;
        try
        {
            device = new TorchSharp.torch.Device(name);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new UsageException($"{option}: '{name}' is not a device; use cpu or cuda.", e);
        }

        if (device.type == TorchSharp.DeviceType.CUDA && (!TorchSharp.torch.cuda.is_available() || device.index >= TorchSharp.torch.cuda.device_count()))
        {
            throw new UsageException($"{option}: '{name}' is not available here (no CUDA device is visible to this TorchSharp backend); use cpu.");
        }

        if (device.type is not (TorchSharp.DeviceType.CPU or TorchSharp.DeviceType.CUDA))
        {
            throw new UsageException($"{option}: '{name}' is not supported; use cpu or cuda.");
        }

        return device;
    }

    public static void ExistingFolder(string folder, string option)
    {
        if (!Directory.Exists(folder))
        {
            throw new UsageException(File.Exists(folder) ? $"{option}: '{folder}' is a file, not a folder." : $"{option}: there is no folder '{folder}'.");
        }
    }

    /// <summary>
    /// A file the command will write: not a folder, and its nearest existing folder writable (checked
    /// by creating and deleting a probe file; nothing else is created).
    /// </summary>
    public static void WritableFile(string? path, string option)
    {
        if (path is null)
        {
            return;
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UsageException($"{option}: '{path}' is a folder; give a file name.");
        }

        if (File.Exists(full))
        {
            Probe(() => new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite).Dispose(), path, option);
            return;
        }

        WritableFolder(Path.GetDirectoryName(full)!, option, path);
    }

    /// <summary>A folder the command will write into (created later if missing).</summary>
    public static void WritableFolder(string? path, string option) => WritableFolder(path, option, path);

    private static void WritableFolder(string? path, string option, string? named)
    {
        if (path is null)
        {
            return;
        }

        var existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new UsageException($"{option}: cannot write '{named}': '{existing}' is a file, not a folder.");
            }

            existing = Path.GetDirectoryName(existing) ?? throw new UsageException($"{option}: cannot write '{named}': no folder of it exists.");
        }

        var probe = Path.Combine(existing, $".lesa-hicache-probe-{Guid.NewGuid():N}");
        Probe(() => new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose(), named, option);
    }

    private static void Probe(Action open, string? named, string option)
    {
        try
        {
            open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot write '{named}': {e.Message}", e);
        }
    }
}
