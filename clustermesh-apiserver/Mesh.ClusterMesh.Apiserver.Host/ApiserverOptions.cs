using Mesh.KvStore.Cilium.Validation;

namespace Mesh.ClusterMesh.Apiserver.Host;

/// <summary>Everything <c>mesh apiserver</c> is told on its command line.</summary>
public sealed record ApiserverOptions
{
    public string ClusterName { get; init; } = string.Empty;

    public uint ClusterId { get; init; }

    public IReadOnlyList<string> KvStoreEndpoints { get; init; } = [];

    public string? KvStoreTlsCa { get; init; }

    public string? KvStoreTlsCert { get; init; }

    public string? KvStoreTlsKey { get; init; }

    /// <summary>Manifest directory source (exclusive with <see cref="Kubeconfig"/>).</summary>
    public string? ManifestsDirectory { get; init; }

    public string? Kubeconfig { get; init; }

    /// <summary>KVStoreMesh: one etcd client YAML per remote cluster, named after it.</summary>
    public string? ClusterMeshConfigDirectory { get; init; }

    public string HealthAddress { get; init; } = "0.0.0.0";

    public int HealthPort { get; init; } = 9880;

    /// <summary>A second port serving only /metrics; 0 for none.</summary>
    public int MetricsPort { get; init; }

    public uint MaxConnectedClusters { get; init; } = ClusterLimits.DefaultMaxConnectedClusters;

    /// <summary>KVStoreMesh: a remote that cannot connect within this time is disregarded for readiness.</summary>
    public TimeSpan PerClusterReadyTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>KVStoreMesh: ready regardless after this time.</summary>
    public TimeSpan GlobalReadyTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>HA: TTL of the lease of each remote's owner key; a dead replica's remotes move within it.</summary>
    public TimeSpan OwnerLeaseTtl { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Every problem, each naming its flag.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ClusterLimits.CheckClusterName(ClusterName, ClusterId) is { } name)
        {
            errors.Add($"--cluster-name: {name.Detail}");
        }
        if (MaxConnectedClusters is not (ClusterLimits.DefaultMaxConnectedClusters or ClusterLimits.ExtendedMaxConnectedClusters))
        {
            errors.Add($"--max-connected-clusters: must be 255 or 511, got {MaxConnectedClusters}");
        }
        else if (new ClusterLimits(MaxConnectedClusters).CheckClusterId(ClusterId) is { } id)
        {
            errors.Add($"--cluster-id: {id.Detail}");
        }
        if (KvStoreEndpoints.Count == 0)
        {
            errors.Add("--kvstore-endpoints: at least one etcd endpoint is required");
        }
        if ((KvStoreTlsCert is null) != (KvStoreTlsKey is null))
        {
            errors.Add("--kvstore-tls-cert/--kvstore-tls-key: give both or neither");
        }
        foreach (var (flag, file) in new[] { ("--kvstore-tls-ca", KvStoreTlsCa), ("--kvstore-tls-cert", KvStoreTlsCert), ("--kvstore-tls-key", KvStoreTlsKey), ("--kubeconfig", Kubeconfig) })
        {
            if (file is not null && !File.Exists(file))
            {
                errors.Add($"{flag}: file '{file}' does not exist");
            }
        }
        if ((ManifestsDirectory is null) == (Kubeconfig is null))
        {
            errors.Add("--k8s-manifests/--kubeconfig: give exactly one Kubernetes source");
        }
        if (ManifestsDirectory is not null && !Directory.Exists(ManifestsDirectory))
        {
            errors.Add($"--k8s-manifests: directory '{ManifestsDirectory}' does not exist");
        }
        if (ClusterMeshConfigDirectory is not null && !Directory.Exists(ClusterMeshConfigDirectory))
        {
            errors.Add($"--clustermesh-config: directory '{ClusterMeshConfigDirectory}' does not exist");
        }
        if (HealthPort is < 0 or > 65535)
        {
            errors.Add($"--health-port: {HealthPort} is not a port");
        }
        if (MetricsPort is < 0 or > 65535)
        {
            errors.Add($"--metrics-port: {MetricsPort} is not a port");
        }
        return errors;
    }
}
