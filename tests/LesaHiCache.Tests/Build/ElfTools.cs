using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LesaHiCache.Tests.Build;

/// <summary>
/// Reads ELF symbol-versioning tables with binutils' <c>readelf</c>, independently of the code in
/// LesaHiCache.targets, and finds the libLibTorchSharp.so copies the tests look at.
/// </summary>
internal static partial class ElfTools
{
    public const string Version = "GLIBCXX_3.4.32";

    private static readonly Lazy<bool> SystemLacksVersionLazy = new(() => !VersionDefinitions(LoadedLibStdCxx()).Contains(Version));

    /// <summary>Whether the libstdc++ the dynamic loader gave this process lacks GLIBCXX_3.4.32.</summary>
    public static bool SystemLacksVersion => SystemLacksVersionLazy.Value;

    /// <summary>Runs a tool and returns its exit code and combined output; a missing tool fails with a clear message.</summary>
    public static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["LC_ALL"] = "C";
        // Don't let the MSBuild that launched the test run leak its settings into a child build.
        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start '{fileName}'.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"These tests need '{fileName}' on PATH but it could not be started ({e.Message}). " +
                "readelf comes with GNU binutils (Debian/Ubuntu: apt-get install binutils).", e);
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within 2 minutes.");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }

    private static string ReadElfVersions(string file)
    {
        (int exitCode, string output) = Run("readelf", ["-V", "--wide", file]);
        Assert.True(exitCode == 0, $"readelf -V --wide {file} failed ({exitCode}):\n{output}");
        return output;
    }

    /// <summary>Entries of the "Version needs section" (.gnu.version_r).</summary>
    public static IReadOnlyList<VersionNeed> VersionNeeds(string file)
    {
        var needs = new List<VersionNeed>();
        bool inNeeds = false;
        long sectionOffset = -1;
        string currentFile = "";
        foreach (string line in ReadElfVersions(file).Split('\n'))
        {
            if (line.StartsWith("Version ", StringComparison.Ordinal))
            {
                inNeeds = line.StartsWith("Version needs section", StringComparison.Ordinal);
                continue;
            }
            if (!inNeeds)
            {
                continue;
            }
            if (SectionOffsetPattern().Match(line) is { Success: true } header)
            {
                sectionOffset = Hex(header.Groups[1].Value);
            }
            else if (NeedFilePattern().Match(line) is { Success: true } need)
            {
                currentFile = need.Groups[1].Value;
            }
            else if (NeedAuxPattern().Match(line) is { Success: true } aux)
            {
                Assert.True(sectionOffset >= 0, $"readelf printed no section offset for {file}.");
                // Vernaux {u32 vna_hash, u16 vna_flags, ...}: the flags sit 4 bytes into the entry.
                long flagsOffset = sectionOffset + Hex(aux.Groups[1].Value) + 4;
                needs.Add(new VersionNeed(currentFile, aux.Groups[2].Value, aux.Groups[3].Value.Trim(), flagsOffset));
            }
        }
        return needs;
    }

    /// <summary>Names in the "Version definition section" (.gnu.version_d).</summary>
    public static IReadOnlyList<string> VersionDefinitions(string file)
    {
        string output = ReadElfVersions(file);
        Assert.Contains("Version definition section", output);
        return DefinitionPattern().Matches(output).Select(m => m.Groups[1].Value).ToList();
    }

    /// <summary>The libstdc++.so.6 mapped into this process (the dotnet host links it), as the loader resolved it.</summary>
    public static string LoadedLibStdCxx()
    {
        string? path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6)
            .Select(fields => fields[5].Trim())
            .FirstOrDefault(p => Path.GetFileName(p).StartsWith("libstdc++.so.6", StringComparison.Ordinal));
        Assert.True(path is not null, "No libstdc++.so.6 is mapped into the test process (see /proc/self/maps).");
        return path!;
    }

    /// <summary>libLibTorchSharp.so as NuGet extracted it into the global packages folder.</summary>
    public static string PackageCacheCopy() => Path.Combine(TorchSharpPackageDirectory(), "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    /// <summary>The TorchSharp package folder, e.g. ~/.nuget/packages/torchsharp/0.107.0, as this test build resolved it.</summary>
    public static string TorchSharpPackageDirectory()
    {
        string depsFile = Path.Combine(AppContext.BaseDirectory, "LesaHiCache.Tests.deps.json");
        using JsonDocument deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        string relative = deps.RootElement.GetProperty("libraries").EnumerateObject()
            .Single(p => p.Name.StartsWith("TorchSharp/", StringComparison.Ordinal))
            .Value.GetProperty("path").GetString()!;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] roots = [Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? "", Path.Combine(home, ".nuget", "packages")];
        string? directory = roots.Where(r => r.Length > 0).Select(r => Path.Combine(r, relative)).FirstOrDefault(Directory.Exists);
        Assert.True(directory is not null, $"Package folder '{relative}' not found under {string.Join(" or ", roots)}.");
        return directory!;
    }

    /// <summary>Every libLibTorchSharp.so in the test's own output directory (at least one).</summary>
    public static IReadOnlyList<string> OutputCopies()
    {
        string[] copies = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.True(copies.Length > 0, $"No libLibTorchSharp.so under {AppContext.BaseDirectory}.");
        return copies;
    }

    private static long Hex(string text) =>
        long.Parse(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    // " Addr: 0x000000000003f8f0  Offset: 0x0003f8f0  Link: 4 (.dynstr)"
    [GeneratedRegex(@"^\s*Addr: \S+\s+Offset: (0x[0-9a-fA-F]+)")]
    private static partial Regex SectionOffsetPattern();

    // "  0x00c0: Version: 1  File: libstdc++.so.6  Cnt: 20"
    [GeneratedRegex(@"^\s*(?:0x)?[0-9a-fA-F]+: Version: \d+\s+File: (\S+)")]
    private static partial Regex NeedFilePattern();

    // "  0x0140:   Name: GLIBCXX_3.4.32  Flags: none  Version: 18"
    [GeneratedRegex(@"^\s*((?:0x)?[0-9a-fA-F]+):\s+Name: (\S+)\s+Flags: (.+?)\s+Version: \d+")]
    private static partial Regex NeedAuxPattern();

    // "  0x001c: Rev: 1  Flags: none  Index: 2  Cnt: 1  Name: GLIBCXX_3.4"
    [GeneratedRegex(@"Rev: \d+\s+Flags: .+?\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")]
    private static partial Regex DefinitionPattern();
}
