namespace Mesh.ClusterMesh.Config;

/// <summary>A file of the config directory that is a cluster config (contains <c>endpoints:</c>), as read.</summary>
internal sealed record ConfigFile(string Name, string Path, string Text, string Hash);
