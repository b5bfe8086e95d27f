namespace LesaHiCache.Models;

/// <summary>A transformer config read from a diffusers <c>config.json</c>.</summary>
internal interface IDiffusersConfig
{
    /// <summary>Checks the values describe a buildable model; throws a <see cref="FormatException"/> naming <paramref name="source"/> and the field otherwise.</summary>
    void Validate(string source);
}
