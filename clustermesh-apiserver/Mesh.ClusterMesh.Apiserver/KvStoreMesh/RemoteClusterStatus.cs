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
    string? LastError);
