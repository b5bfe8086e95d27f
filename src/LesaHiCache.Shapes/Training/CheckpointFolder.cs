namespace LesaHiCache.Shapes.Training;

/// <summary>
/// A training checkpoint replaced as a whole: each one is written into the sibling folder
/// <c>{path}.writing</c> and swapped in by renames, so a run killed while writing leaves the previous
/// checkpoint, never the weights of one step beside the state of another.
/// </summary>
/// <param name="path">The checkpoint folder.</param>
internal sealed class CheckpointFolder(string path)
{
    /// <summary>The checkpoint folder.</summary>
    public string Path => path;

    private string Writing => path + ".writing";

    private string Previous => path + ".previous";

    /// <summary>
    /// Undoes what a kill can leave: a checkpoint moved aside but not yet replaced comes back, and a
    /// half-written one is deleted. Call it before reading <see cref="Path"/>.
    /// </summary>
    public void Recover()
    {
        DeleteIfPresent(Writing);
        if (Directory.Exists(Previous))
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(Previous, recursive: true);
            }
            else
            {
                Directory.Move(Previous, path);
            }
        }
    }

    /// <summary>Writes a checkpoint with <paramref name="write"/> (given the folder to fill) and makes it the current one; if it throws, the current one stays.</summary>
    public void Write(Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        DeleteIfPresent(Writing);
        DeleteIfPresent(Previous);
        Directory.CreateDirectory(Writing);
        try
        {
            write(Writing);
        }
        catch
        {
            DeleteIfPresent(Writing);
            throw;
        }

        if (Directory.Exists(path))
        {
            Directory.Move(path, Previous);
        }

        Directory.Move(Writing, path);
        DeleteIfPresent(Previous);
    }

    private static void DeleteIfPresent(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
