using System.Text.RegularExpressions;
using LesaHiCache.Caching;

namespace LesaHiCache.Tests.Docs;

/// <summary>docs/api.md lists exactly the public types of the core assembly, each under its namespace.</summary>
public partial class PublicApiTests
{
    [Fact]
    public void TheApiPage_ListsExactlyThePublicTypes()
    {
        var page = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Api", "api.md"));
        var listed = new List<string>();
        var space = "";
        foreach (var line in page)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                space = line[3..].Trim();
            }
            else if (Row().Match(line) is { Success: true } row)
            {
                listed.Add($"{space}.{row.Groups["name"].Value}");
            }
        }

        var exported = typeof(CacheSession).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested)
            .Select(t => $"{t.Namespace}.{t.Name.Split('`')[0]}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(exported, listed.Order(StringComparer.Ordinal).ToList());
    }

    [GeneratedRegex("^\\| `(?<name>[A-Za-z0-9_]+)` \\|")]
    private static partial Regex Row();
}
