namespace Mesh.Bpf.Maps.Tests;

/// <summary>A unique directory under /sys/fs/bpf for one test; Dispose removes every pin in it, pass or fail.</summary>
internal sealed class BpffsDirectory : IDisposable
{
    public BpffsDirectory()
    {
        Path = System.IO.Path.Combine("/sys/fs/bpf", $"mesh-maps-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
