using Mesh.KvStore.Cilium.Keys;

namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh;

/// <summary>One remote cluster as KVStoreMesh sees it (the §2.8 RemoteCluster model).</summary>
public sealed record RemoteClusterStatus(
    string Name,
    bool Ready,
    bool Connected,
    bool ConfigRetrieved,
    uint ClusterId,
    IReadOnlyDictionary<CiliumResource, bool> Synced,
    IReadOnlyDictionary<CiliumResource, int> Counts,
    int Failures,
    DateTimeOffset? LastFailure,
    string? LastError)
{
    /// <summary>False while another replica reflects this remote (HA); this replica then only waits.</summary>
    public bool Owned { get; init; } = true;

    public static RemoteClusterStatus Waiting(string name, bool owned, string? error, int failures, DateTimeOffset? lastFailure) => new(
        name, false, false, false, 0,
        Enum.GetValues<CiliumResource>().ToDictionary(r => r, _ => false),
        Enum.GetValues<CiliumResource>().ToDictionary(r => r, _ => 0),
        failures, lastFailure, error) { Owned = owned };
}
