using LesaHiCache.Shapes.Training;

namespace LesaHiCache.Tests.Shapes;

public sealed class CheckpointFolderTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("lesa-checkpoint");

    private string Folder => Path.Combine(root.FullName, "checkpoint");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public void Write_ReplacesTheWholeCheckpoint_AndLeavesNoSiblings()
    {
        var checkpoint = new CheckpointFolder(Folder);
        checkpoint.Write(f => File.WriteAllText(Path.Combine(f, "a.txt"), "step 1"));
        checkpoint.Write(f => File.WriteAllText(Path.Combine(f, "b.txt"), "step 2"));

        Assert.Equal(["b.txt"], Directory.GetFiles(Folder).Select(Path.GetFileName));
        Assert.Equal("step 2", File.ReadAllText(Path.Combine(Folder, "b.txt")));
        Assert.Equal(["checkpoint"], root.GetDirectories().Select(d => d.Name));
    }

    [Fact]
    public void AWriteThatFails_KeepsTheCurrentCheckpoint()
    {
        var checkpoint = new CheckpointFolder(Folder);
        checkpoint.Write(f => File.WriteAllText(Path.Combine(f, "state.json"), "step 1"));

        Assert.Throws<IOException>(() => checkpoint.Write(f =>
        {
            File.WriteAllText(Path.Combine(f, "model.safetensors"), "half");
            throw new IOException("disk full");
        }));

        Assert.Equal(["state.json"], Directory.GetFiles(Folder).Select(Path.GetFileName));
        Assert.Equal("step 1", File.ReadAllText(Path.Combine(Folder, "state.json")));
        Assert.Equal(["checkpoint"], root.GetDirectories().Select(d => d.Name));
    }

    [Fact]
    public void Recover_AfterAKillBetweenTheRenames_BringsBackThePreviousCheckpoint_AndDropsAHalfWrittenOne()
    {
        // What a kill after "checkpoint" was moved aside and before "checkpoint.writing" was moved in leaves.
        Directory.CreateDirectory(Folder + ".previous");
        File.WriteAllText(Path.Combine(Folder + ".previous", "state.json"), "step 1");
        Directory.CreateDirectory(Folder + ".writing");
        File.WriteAllText(Path.Combine(Folder + ".writing", "model.safetensors"), "half");

        new CheckpointFolder(Folder).Recover();

        Assert.Equal("step 1", File.ReadAllText(Path.Combine(Folder, "state.json")));
        Assert.Equal(["checkpoint"], root.GetDirectories().Select(d => d.Name));
    }

    [Fact]
    public void Recover_AfterAKillBeforeThePreviousWasDeleted_KeepsTheNewCheckpoint()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "state.json"), "step 2");
        Directory.CreateDirectory(Folder + ".previous");
        File.WriteAllText(Path.Combine(Folder + ".previous", "state.json"), "step 1");

        new CheckpointFolder(Folder).Recover();

        Assert.Equal("step 2", File.ReadAllText(Path.Combine(Folder, "state.json")));
        Assert.Equal(["checkpoint"], root.GetDirectories().Select(d => d.Name));
    }
}
