namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;

/// <summary>Settings of lease-bound ownership of remote clusters in the local etcd.</summary>
public sealed record EtcdRemoteOwnershipOptions
{
    /// <summary>Owner keys live under this Mesh-private prefix (not part of Cilium's schema): <c>&lt;prefix&gt;/&lt;remote&gt;</c>.</summary>
    public string Prefix { get; init; } = "cilium/.kvstoremesh-owners";

    /// <summary>This replica's name, stored as the owner key's value.</summary>
    public required string Holder { get; init; }

    /// <summary>Owner lease TTL: a dead owner is replaced within it (Cilium's lock lease is 25 s).</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(15);

    public string KeyFor(string remote) => $"{Prefix.TrimEnd('/')}/{remote}";

    /// <summary>Cluster ID claims live next to the owner keys: <c>&lt;prefix&gt;-cluster-ids/&lt;id&gt;</c>, value the remote's name.</summary>
    public string ClusterIdPrefix => $"{Prefix.TrimEnd('/')}-cluster-ids/";

    public string ClusterIdKey(uint id) => ClusterIdPrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
