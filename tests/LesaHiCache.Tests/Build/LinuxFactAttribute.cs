namespace LesaHiCache.Tests.Build;

/// <summary>A fact that only means something on Linux; reported as skipped (not silently passed) elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "libLibTorchSharp.so and its GLIBCXX version need exist on Linux only.";
        }
    }
}
