namespace LesaHiCache.Tests.Docs;

/// <summary>README's and the package readmes' C# blocks compile as written; README's first block runs.</summary>
public class ReadmeCodeTests
{
    private static string DocsFile(string name) => Path.Combine(AppContext.BaseDirectory, "Docs", name);

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "Docs"), file);
            foreach (var (line, _) in CSharpBlocks.In(File.ReadAllText(file)))
            {
                data.Add(name, line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void EveryCSharpBlock_CompilesAsAProgram(string file, int line)
    {
        var code = CSharpBlocks.In(File.ReadAllText(DocsFile(file))).Single(b => b.Line == line).Code;
        var (errors, _) = CSharpBlocks.Compile(code, $"{Path.GetFileNameWithoutExtension(file)}_{line}");
        Assert.True(errors.Count == 0, $"{file}, block at line {line}:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void ReadmesFirstBlock_RunsOnTheCpu_AndCachesFortyOfFiftySteps()
    {
        var (line, code) = CSharpBlocks.In(File.ReadAllText(DocsFile("README.md")))[0];
        Assert.Contains("ModuleBuild.Cpu", code, StringComparison.Ordinal);
        var (errors, assembly) = CSharpBlocks.Compile(code, $"README_{line}");
        Assert.Empty(errors);
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            CSharpBlocks.Run(assembly!);
        }
        finally
        {
            Console.SetOut(console);
        }

        Assert.StartsWith("10 full steps [0,1,2,8,14,20,26,32,38,44], 40 forecast (5.00x fewer evaluations)", output.ToString(), StringComparison.Ordinal);
    }
}
