using Mesh.KvStore.Cilium.Validation;

namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh;

/// <summary>Settings of KVStoreMesh (Cilium's kvstoremesh flags, spec §2.4).</summary>
public sealed record KvStoreMeshOptions
{
    public required string LocalClusterName { get; init; }

    public required uint LocalClusterId { get; init; }

    public ClusterLimits Limits { get; init; } = new();

    /// <summary>A remote that cannot connect within this time is disregarded for readiness (<c>--per-cluster-ready-timeout</c>).</summary>
    public TimeSpan PerClusterReadyTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>After this time readiness is declared regardless (<c>--global-ready-timeout</c>).</summary>
    public TimeSpan GlobalReadyTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Keep the cached data of a removed remote (<c>--disable-drain-on-disconnection</c>).</summary>
    public bool DisableDrainOnDisconnection { get; init; }

    /// <summary>First delay before reconnecting after a connection failed; doubles up to 30 s.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);
}
