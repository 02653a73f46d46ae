namespace Mesh.KvStore.Cilium.Values;

/// <summary>The cluster config at <c>cilium/cluster-config/&lt;name&gt;</c>: the cluster ID and its capabilities.</summary>
public sealed record CiliumClusterConfig(uint Id, ClusterCapabilities Capabilities);
