namespace Mesh.ClusterMesh.Config;

public enum ClusterConfigChangeKind
{
    /// <summary>A cluster config file appeared: connect.</summary>
    Added,

    /// <summary>Its content changed (SHA-256 differs): reconnect.</summary>
    Changed,

    /// <summary>Removed, unreadable, or no longer a cluster config: disconnect and drain.</summary>
    Removed,

    /// <summary>Every file present at start has been reported once (no name or config).</summary>
    InitialScanDone,
}
