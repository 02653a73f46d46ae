namespace Mesh.KvStore.Cilium.Values;

/// <summary>What a cluster's apiserver supports (CiliumClusterConfigCapabilities).</summary>
public sealed record ClusterCapabilities
{
    public bool SyncedCanaries { get; init; }

    /// <summary>Set by KVStoreMesh: the data lives under <c>cilium/cache/...</c>.</summary>
    public bool Cached { get; init; }

    public uint MaxConnectedClusters { get; init; }

    /// <summary>Null: the remote predates service exports (absent field); false: supported but disabled.</summary>
    public bool? ServiceExportsEnabled { get; init; }

    /// <summary>"", "services-and-endpointslices" or "endpointslices-only".</summary>
    public string EndpointSlicesExportMode { get; init; } = string.Empty;
}
