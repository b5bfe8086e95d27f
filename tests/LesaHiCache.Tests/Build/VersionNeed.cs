namespace LesaHiCache.Tests.Build;

/// <summary>One Vernaux entry of a .gnu.version_r section, as <c>readelf -V</c> prints it.</summary>
internal sealed record VersionNeed(string File, string Name, string Flags, long FlagsFileOffset);
