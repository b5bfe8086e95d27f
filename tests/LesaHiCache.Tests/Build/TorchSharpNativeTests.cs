using System.IO.Compression;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Build;

/// <summary>
/// The real libLibTorchSharp.so files: the NuGet package cache's original must stay as shipped, the copy in
/// this test's output directory must carry a weak GLIBCXX_3.4.32 need exactly when the system libstdc++
/// lacks that version (LesaHiCache.targets, imported through Directory.Build.targets), and TorchSharp must load.
/// </summary>
public class TorchSharpNativeTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        using var ones2 = ones(2);
        using var sum = ones2.sum();
        Assert.Equal(2f, sum.item<float>());
    }

    [LinuxFact]
    public void PackageCacheOriginalStillNeedsTheVersionStrictly()
    {
        VersionNeed need = Assert.Single(ElfTools.VersionNeeds(ElfTools.PackageCacheCopy()), n => n.Name == ElfTools.Version);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.Equal("none", need.Flags);
    }

    [LinuxFact]
    public void PackageCacheOriginalIsByteIdenticalToTheNupkg()
    {
        string directory = ElfTools.TorchSharpPackageDirectory();
        string nupkg = Assert.Single(Directory.GetFiles(directory, "*.nupkg"));
        using ZipArchive archive = ZipFile.OpenRead(nupkg);
        ZipArchiveEntry entry = archive.GetEntry("runtimes/linux-x64/native/libLibTorchSharp.so")
            ?? throw new InvalidOperationException($"{nupkg} has no runtimes/linux-x64/native/libLibTorchSharp.so.");
        using var packed = new MemoryStream();
        using (Stream stream = entry.Open())
        {
            stream.CopyTo(packed);
        }
        Assert.True(packed.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(ElfTools.PackageCacheCopy())),
            $"{ElfTools.PackageCacheCopy()} no longer matches the file inside {nupkg}.");
    }

    [LinuxFact]
    public void OutputCopiesAreWeakExactlyWhenTheSystemLibStdCxxLacksTheVersion()
    {
        string expected = ElfTools.SystemLacksVersion ? "WEAK" : "none";
        foreach (string copy in ElfTools.OutputCopies())
        {
            VersionNeed need = Assert.Single(ElfTools.VersionNeeds(copy), n => n.Name == ElfTools.Version);
            Assert.True(need.Flags == expected,
                $"{copy}: {ElfTools.Version} flags are '{need.Flags}', expected '{expected}' " +
                $"(system libstdc++ {ElfTools.LoadedLibStdCxx()} {(ElfTools.SystemLacksVersion ? "lacks" : "has")} it).");
        }
    }

    [LinuxFact]
    public void OutputCopiesDifferFromTheOriginalOnlyInThoseFlagBytes()
    {
        string original = ElfTools.PackageCacheCopy();
        long flags = Assert.Single(ElfTools.VersionNeeds(original), n => n.Name == ElfTools.Version).FlagsFileOffset;
        byte[] expected = File.ReadAllBytes(original);
        if (ElfTools.SystemLacksVersion)
        {
            expected[flags] |= 0x2; // VER_FLG_WEAK, low byte of the little-endian u16 vna_flags
        }

        foreach (string copy in ElfTools.OutputCopies())
        {
            byte[] actual = File.ReadAllBytes(copy);
            Assert.Equal(expected.Length, actual.Length);
            int[] differing = Enumerable.Range(0, actual.Length).Where(i => actual[i] != expected[i]).ToArray();
            Assert.True(differing.Length == 0,
                $"{copy} differs from the expected bytes at offsets {string.Join(", ", differing.Take(10))} (vna_flags at {flags}).");
        }
    }
}
