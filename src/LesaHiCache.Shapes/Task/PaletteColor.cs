namespace LesaHiCache.Shapes.Task;

/// <summary>An RGB color of the task's palette.</summary>
/// <param name="Name">The word naming it in prompts.</param>
/// <param name="R">Red, 0-255.</param>
/// <param name="G">Green, 0-255.</param>
/// <param name="B">Blue, 0-255.</param>
public sealed record PaletteColor(string Name, byte R, byte G, byte B);
