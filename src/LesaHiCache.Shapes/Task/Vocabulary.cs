namespace LesaHiCache.Shapes.Task;

/// <summary>
/// Every word a prompt may use, with the colors and geometry they stand for. Prompts read
/// "a {size} {color} {shape} at the {position} [and a {size} {color} {shape} at the {position}] on a {background} background".
/// </summary>
public static class Vocabulary
{
    /// <summary>Shapes, drawn inside a square box of the size's side.</summary>
    public static IReadOnlyList<string> Shapes { get; } = ["circle", "square", "triangle"];

    /// <summary>Object colors (distinct from every background).</summary>
    public static IReadOnlyList<PaletteColor> ObjectColors { get; } =
    [
        new("red", 220, 30, 30),
        new("orange", 255, 140, 0),
        new("yellow", 240, 220, 0),
        new("green", 30, 170, 50),
        new("cyan", 0, 200, 220),
        new("blue", 30, 60, 220),
        new("purple", 140, 40, 200),
    ];

    /// <summary>Background colors.</summary>
    public static IReadOnlyList<PaletteColor> Backgrounds { get; } =
    [
        new("white", 255, 255, 255),
        new("black", 0, 0, 0),
        new("gray", 128, 128, 128),
    ];

    /// <summary>Size words and the side of the box the shape is drawn in, in pixels of a 32x32 image.</summary>
    public static IReadOnlyList<(string Word, int Side)> Sizes { get; } = [("small", 7), ("large", 13)];

    /// <summary>Position phrases (after "at the") and their 3x3 grid cell (column, row).</summary>
    public static IReadOnlyList<(string Phrase, int Column, int Row)> Positions { get; } =
    [
        ("top left", 0, 0), ("top", 1, 0), ("top right", 2, 0),
        ("left", 0, 1), ("center", 1, 1), ("right", 2, 1),
        ("bottom left", 0, 2), ("bottom", 1, 2), ("bottom right", 2, 2),
    ];

    /// <summary>Grammar words that carry no attribute.</summary>
    public static IReadOnlyList<string> FunctionWords { get; } = ["a", "at", "the", "and", "on", "background"];

    /// <summary>Every word, in a fixed order (the tokenizer's ids follow it).</summary>
    public static IReadOnlyList<string> Words { get; } = FunctionWords
        .Concat(Shapes)
        .Concat(ObjectColors.Select(c => c.Name))
        .Concat(Backgrounds.Select(c => c.Name))
        .Concat(Sizes.Select(s => s.Word))
        .Concat(Positions.SelectMany(p => p.Phrase.Split(' ')))
        .Distinct()
        .ToList();

    /// <summary>All palette colors: objects then backgrounds.</summary>
    public static IReadOnlyList<PaletteColor> Palette { get; } = [.. ObjectColors, .. Backgrounds];

    /// <summary>Looks up an object color by name.</summary>
    public static PaletteColor ObjectColor(string name) => ObjectColors.First(c => c.Name == name);

    /// <summary>Looks up a background color by name.</summary>
    public static PaletteColor Background(string name) => Backgrounds.First(c => c.Name == name);
}
