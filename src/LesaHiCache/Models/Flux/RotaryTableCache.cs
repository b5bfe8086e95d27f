namespace LesaHiCache.Models.Flux;

/// <summary>A flow model's RoPE tables, one per text length (the image or video grid is fixed): made once, released on dispose.</summary>
internal sealed class RotaryTableCache : IDisposable
{
    private readonly Dictionary<long, RotaryTables> byTextLength = [];

    public RotaryTables For(long textLength, Func<long, RotaryTables> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        if (!byTextLength.TryGetValue(textLength, out var tables))
        {
            tables = make(textLength);
            tables.Cos.DetachFromDisposeScope();
            tables.Sin.DetachFromDisposeScope();
            byTextLength[textLength] = tables;
        }

        return tables;
    }

    public void Dispose()
    {
        foreach (var tables in byTextLength.Values)
        {
            tables.Dispose();
        }

        byTextLength.Clear();
    }
}
