namespace Mesh.ClusterMesh.Config;

/// <summary>
/// One change of the config directory. <see cref="ClusterConfigChangeKind.Added"/> and
/// <see cref="ClusterConfigChangeKind.Changed"/> carry either the parsed <see cref="Config"/> or, for a file that is
/// a cluster config but cannot be used, the <see cref="Error"/> (the consumer disconnects and reports it).
/// </summary>
public sealed record ClusterConfigChange(ClusterConfigChangeKind Kind, string Name, RemoteClusterConfig? Config = null, string? Error = null)
{
    public static readonly ClusterConfigChange InitialScanDone = new(ClusterConfigChangeKind.InitialScanDone, string.Empty);
}
