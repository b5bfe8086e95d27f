using System.Diagnostics;
using System.Text;
using LesaHiCache.Tests.Docs;

namespace LesaHiCache.Tests.Packaging;

/// <summary>
/// A new user's path, on this machine: the packages are packed from a copy of the sources into a local
/// feed; a fresh console app referencing <c>LesaHiCache</c> and <c>TorchSharp-cpu</c> from it builds
/// and runs README's CPU block; one referencing <c>LesaHiCache.Shapes</c> runs its package readme's
/// block on the bundled model it carries; the <c>lesahicache-quickstart</c> template installs and its
/// app runs; the tool installs from it by README's package id and runs <c>inspect</c>.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private const string Version = "0.1.0-consumer-check";
    private static readonly string[] CopiedFiles = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig"];
    private static readonly string[] CopiedFolders = ["src", "packaging", "templates", Path.Combine("models", "shapes-flux"), Path.Combine("models", "shapes-video")];
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("lesa-consumer-");

    public void Dispose()
    {
        scratch.Delete(recursive: true);
        ForgetPackedVersion();
    }

    [Fact]
    public void ThePackages_WorkForANewConsoleApp_AndTheToolInstallsByItsPackageId()
    {
        var repository = RepositoryRoot();
        var sources = Path.Combine(scratch.FullName, "sources");
        var feed = Path.Combine(scratch.FullName, "feed");
        CopyRepository(repository, sources);
        ForgetPackedVersion();

        // The core package and the tool (for this machine's platform only, to keep the check short).
        Dotnet(sources, $"pack src/LesaHiCache -c Release -o \"{feed}\" -p:Version={Version}");
        Dotnet(sources, $"pack src/LesaHiCache.Shapes -c Release -o \"{feed}\" -p:Version={Version}");
        Dotnet(sources, $"pack src/LesaHiCache.Cli -c Release -o \"{feed}\" -p:Version={Version} -p:RuntimeIdentifiers=linux-x64");
        var core = new FileInfo(Path.Combine(feed, $"LesaHiCache.{Version}.nupkg"));
        Assert.True(core.Exists);
        Assert.True(File.Exists(Path.Combine(feed, $"LesaHiCache.{Version}.snupkg")));
        Assert.InRange(new FileInfo(Path.Combine(feed, $"LesaHiCache.Cli.linux-x64.{Version}.nupkg")).Length, 1, 250L * 1024 * 1024);

        // Fresh console apps: README's first C# block on the core package, and the Shapes package readme's block.
        var output = RunApp(feed, "app", "LesaHiCache", CSharpBlocks.In(File.ReadAllText(Path.Combine(repository, "README.md")))[0].Code);
        Assert.Contains("10 full steps [0,1,2,8,14,20,26,32,38,44], 40 forecast (5.00x fewer evaluations)", output, StringComparison.Ordinal);
        var shapes = RunApp(feed, "shapes-app", "LesaHiCache.Shapes", CSharpBlocks.In(File.ReadAllText(Path.Combine(repository, "packaging", "LesaHiCache.Shapes.md")))[0].Code);
        Assert.Matches(@"fidelity 1\.000; 10 full steps", shapes);
        var video = RunApp(feed, "video-app", "LesaHiCache.Shapes", CSharpBlocks.In(File.ReadAllText(Path.Combine(repository, "packaging", "LesaHiCache.Shapes.md")))[1].Code);
        Assert.Matches(@"clip fidelity 0\.778; 10 full steps", video);

        // The template, installed into a template hive of its own, and the app it creates.
        Dotnet(sources, $"pack templates/LesaHiCache.Templates -c Release -o \"{feed}\" -p:Version={Version}");
        var hive = Path.Combine(scratch.FullName, "hive");
        Dotnet(scratch.FullName, $"new install \"{Path.Combine(feed, $"LesaHiCache.Templates.{Version}.nupkg")}\" --debug:custom-hive \"{hive}\"");
        var quickstart = Path.Combine(scratch.FullName, "quickstart");
        Dotnet(scratch.FullName, $"new lesahicache-quickstart -o \"{quickstart}\" --debug:custom-hive \"{hive}\"");
        WriteFeedConfig(quickstart, feed);
        var generated = Dotnet(quickstart, "run -c Release");
        Assert.Contains("Cache: 10 full steps [0,1,2,8,14,20,26,32,38,44], 40 forecast (5.00x fewer evaluations)", generated, StringComparison.Ordinal);
        Assert.Equal(8, Directory.GetFiles(Path.Combine(quickstart, "images"), "*.png").Length);

        // The tool, by the package id README gives, into a tool path of its own.
        var tools = Path.Combine(scratch.FullName, "tools");
        Dotnet(scratch.FullName, $"tool install LesaHiCache.Cli --tool-path \"{tools}\" --add-source \"{feed}\" --version {Version}");
        var inspect = Run(Path.Combine(tools, "lesa-hicache"), $"inspect \"{Path.Combine(TestConfigs.FixturesFolder, "flux1-dev.transformer.config.json")}\"", scratch.FullName);
        Assert.Contains("11,901,408,320", inspect, StringComparison.Ordinal);
    }

    /// <summary>Creates, builds and runs a console app referencing <paramref name="package"/> from <paramref name="feed"/>; returns its output.</summary>
    private string RunApp(string feed, string name, string package, string program)
    {
        var app = Directory.CreateDirectory(Path.Combine(scratch.FullName, name)).FullName;
        WriteFeedConfig(app, feed);
        File.WriteAllText(Path.Combine(app, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{package}" Version="{Version}" />
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        return Dotnet(app, "run -c Release");
    }

    /// <summary>A nuget.config that adds the local feed to the machine's package sources.</summary>
    private static void WriteFeedConfig(string folder, string feed) => File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="local" value="{feed}" />
          </packageSources>
        </configuration>
        """);

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LesaHiCache.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No LesaHiCache.sln above {AppContext.BaseDirectory}.");
    }

    private static void CopyRepository(string from, string to)
    {
        foreach (var file in CopiedFiles.Where(f => File.Exists(Path.Combine(from, f))))
        {
            Directory.CreateDirectory(to);
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        }

        var skipped = new[] { "bin", "obj", "checkpoint" };
        foreach (var folder in CopiedFolders)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(from, folder), "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(from, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(skipped.Contains))
                {
                    continue;
                }

                var target = Path.Combine(to, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }

    /// <summary>Removes the packed version from the NuGet package cache, so each run restores what it packed and leaves nothing behind.</summary>
    private static void ForgetPackedVersion()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "lesahicache", "lesahicache.shapes", "lesahicache.cli", "lesahicache.cli.linux-x64" })
        {
            var folder = Path.Combine(cache, id, Version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string Dotnet(string workingDirectory, string arguments) => Run("dotnet", arguments, workingDirectory);

    /// <summary>Runs a program to its end (at most 10 minutes); returns its output and asserts it succeeded.</summary>
    private static string Run(string program, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{program} {arguments}' ran past 10 minutes:\n{output}");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"'{program} {arguments}' exited with {process.ExitCode}:\n{output}");
        return output.ToString();
    }
}
