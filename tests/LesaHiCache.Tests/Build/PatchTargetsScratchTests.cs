using System.Runtime.CompilerServices;

namespace LesaHiCache.Tests.Build;

/// <summary>
/// Runs LesaHiCache.targets with <c>dotnet msbuild</c> on scratch copies of the real libLibTorchSharp.so:
/// a plain copy, a hard link and a symlink to a stand-in package cache, and a non-ELF file.
/// </summary>
public sealed class PatchTargetsScratchTests : IDisposable
{
    private const string PatchedMessage = "LesaHiCache: marked libLibTorchSharp.so's need for GLIBCXX_3.4.32 as weak";

    private readonly string _root = Directory.CreateTempSubdirectory("lesahicache-elf-").FullName;
    private readonly byte[] _original = File.ReadAllBytes(ElfTools.PackageCacheCopy());

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Cache => Path.Combine(_root, "pkg", "libLibTorchSharp.so");

    private string Plain => Path.Combine(_root, "out", "plain", "libLibTorchSharp.so");

    private string HardLink => Path.Combine(_root, "out", "hardlink", "libLibTorchSharp.so");

    private string SymLink => Path.Combine(_root, "out", "symlink", "libLibTorchSharp.so");

    private string NotElf => Path.Combine(_root, "out", "notelf", "libLibTorchSharp.so");

    [LinuxFact]
    public void PatchesCopiesOnceAndNeverWritesThroughToThePackageCache()
    {
        ArrangeScratchTree();

        string first = RunTargets();

        Assert.Equal(_original, File.ReadAllBytes(Cache));
        Assert.Equal("none", Flags(Cache));
        Assert.Equal("not an ELF file", File.ReadAllText(NotElf));
        if (!ElfTools.SystemLacksVersion)
        {
            Assert.DoesNotContain(PatchedMessage, first, StringComparison.Ordinal);
            Assert.All([Plain, HardLink, SymLink], p => Assert.Equal(_original, File.ReadAllBytes(p)));
            Assert.Equal("2", Stat("%h", Cache));
            Assert.True(File.GetAttributes(SymLink).HasFlag(FileAttributes.ReparsePoint));
            return;
        }

        Assert.Contains(PatchedMessage, first, StringComparison.Ordinal);
        Assert.Contains($"not patching {Cache}: it is inside the NuGet package cache", first, StringComparison.Ordinal);
        Assert.Contains($"left {NotElf} unchanged: not an ELF file", first, StringComparison.Ordinal);
        foreach (string copy in new[] { Plain, HardLink, SymLink })
        {
            Assert.Contains(copy, first, StringComparison.Ordinal);
            Assert.Equal("WEAK", Flags(copy));
            Assert.Equal(File.GetLastWriteTimeUtc(Cache), File.GetLastWriteTimeUtc(copy));
        }
        Assert.Equal("1", Stat("%h", Cache)); // the hard link was replaced by a private file
        Assert.False(File.GetAttributes(SymLink).HasFlag(FileAttributes.ReparsePoint), "the symlink should have been replaced by a private file");

        string[] before = [.. new[] { Plain, HardLink, SymLink }.Select(p => Stat("%i %Y", p))];
        string second = RunTargets();

        Assert.DoesNotContain(PatchedMessage, second, StringComparison.Ordinal);
        Assert.Equal(before, new[] { Plain, HardLink, SymLink }.Select(p => Stat("%i %Y", p)));
        Assert.Equal(File.ReadAllBytes(Plain), File.ReadAllBytes(HardLink));
        Assert.Equal(File.ReadAllBytes(Plain), File.ReadAllBytes(SymLink));
        Assert.Equal(_original, File.ReadAllBytes(Cache));
    }

    [LinuxFact]
    public void OptOutPropertyLeavesCopiesAlone()
    {
        ArrangeScratchTree();

        string output = RunTargets("-p:LesaHiCachePatchTorchSharpNative=false");

        Assert.DoesNotContain("LesaHiCache:", output, StringComparison.Ordinal);
        Assert.Equal(_original, File.ReadAllBytes(Plain));
        Assert.Equal("none", Flags(Plain));
    }

    private void ArrangeScratchTree()
    {
        foreach (string file in new[] { Cache, Plain, HardLink, SymLink, NotElf })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        }
        File.Copy(ElfTools.PackageCacheCopy(), Cache);
        File.Copy(ElfTools.PackageCacheCopy(), Plain);
        Assert.Equal(0, ElfTools.Run("ln", [Cache, HardLink]).ExitCode);
        File.CreateSymbolicLink(SymLink, Cache);
        File.WriteAllText(NotElf, "not an ELF file");
        // The targets hook CopyFilesToOutputDirectory; a stand-in lets them run without an SDK project.
        File.WriteAllText(Path.Combine(_root, "scratch.proj"), $"""
            <Project>
              <Import Project="{TargetsFile()}" />
              <Target Name="CopyFilesToOutputDirectory" />
            </Project>
            """);
    }

    /// <summary>OutDir is the whole scratch tree, so the stand-in package cache (NuGetPackageRoot) is inside it too.</summary>
    private string RunTargets(params string[] extraArguments)
    {
        string[] arguments =
        [
            "msbuild", Path.Combine(_root, "scratch.proj"), "-t:CopyFilesToOutputDirectory",
            $"-p:OutDir={_root}/", $"-p:NuGetPackageRoot={_root}/pkg/",
            "-v:n", "-nologo", "-noAutoResponse", "-nodeReuse:false", "-tl:off", .. extraArguments,
        ];
        (int exitCode, string output) = ElfTools.Run(DotnetHost(), arguments, _root);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
        return output;
    }

    private static string Flags(string file) => Assert.Single(ElfTools.VersionNeeds(file), n => n.Name == ElfTools.Version).Flags;

    private static string Stat(string format, string file)
    {
        (int exitCode, string output) = ElfTools.Run("stat", ["-c", format, file]);
        Assert.True(exitCode == 0, output);
        return output.Trim();
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) && Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            host = Environment.ProcessPath;
        }
        return string.IsNullOrEmpty(host) ? "dotnet" : host;
    }

    /// <summary>The repository's targets file, found above the output directory or, for a copied test build, this source file.</summary>
    private static string TargetsFile([CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, sourceFile })
        {
            for (DirectoryInfo? dir = new FileInfo(start).Directory; dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "src", "LesaHiCache", "build", "LesaHiCache.targets");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new InvalidOperationException($"src/LesaHiCache/build/LesaHiCache.targets not found above {AppContext.BaseDirectory} or {sourceFile}.");
    }
}
