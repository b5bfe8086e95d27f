using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LesaHiCache.Tests.Docs;

/// <summary>The C# blocks of a Markdown file, compiled as the Program.cs of a console app (implicit usings, nullable on).</summary>
internal static partial class CSharpBlocks
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => !Path.GetFileName(path).StartsWith("xunit", StringComparison.OrdinalIgnoreCase))
            .Select(path => MetadataReference.CreateFromFile(path))]);

    /// <summary>Every ```csharp block of <paramref name="markdown"/>, with the line it starts on.</summary>
    public static IReadOnlyList<(int Line, string Code)> In(string markdown)
    {
        var blocks = new List<(int, string)>();
        foreach (Match match in Block().Matches(markdown))
        {
            blocks.Add((markdown[..match.Index].Count(c => c == '\n') + 1, match.Groups["code"].Value));
        }

        return blocks;
    }

    /// <summary>Compiles <paramref name="code"/> as a console app's Program.cs; the errors, or the assembly's bytes.</summary>
    public static (IReadOnlyList<string> Errors, byte[]? Assembly) Compile(string code, string name)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(ImplicitUsings, parse), CSharpSyntaxTree.ParseText(code, parse, path: "Program.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        return (errors, result.Success ? stream.ToArray() : null);
    }

    /// <summary>Runs a compiled program's entry point in this process.</summary>
    public static void Run(byte[] assembly)
    {
        var entry = Assembly.Load(assembly).EntryPoint!;
        entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
    }

    [GeneratedRegex("^```csharp\\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();
}
