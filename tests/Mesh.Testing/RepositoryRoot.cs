namespace Mesh.Testing;

/// <summary>The checkout a test or bench runs from: the first directory above the binaries that holds Mesh.sln.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Mesh.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("repository root (Mesh.sln) not found above " + AppContext.BaseDirectory);
    }
}
