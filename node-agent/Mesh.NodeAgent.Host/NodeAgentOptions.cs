using Mesh.KvStore.Cilium.Validation;

namespace Mesh.NodeAgent.Host;

/// <summary>Who the agent is and how it treats remote clusters.</summary>
public sealed record NodeAgentOptions
{
    public required string NodeName { get; init; }

    public required string ClusterName { get; init; }

    public required uint ClusterId { get; init; }

    public uint MaxConnectedClusters { get; init; } = ClusterLimits.DefaultMaxConnectedClusters;

    /// <summary><c>--clustermesh-cache-ttl</c>: revoke a disconnected cluster's data after this long (zero = never).</summary>
    public TimeSpan ClusterMeshCacheTtl { get; init; }

    /// <summary><c>--clustermesh-sync-timeout</c>: how long pruning waits for the remotes' initial sync.</summary>
    public TimeSpan ClusterMeshSyncTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a connected remote is probed; a failed probe reconnects it.</summary>
    public TimeSpan ClusterMeshHealthCheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often every map is fully re-reconciled (and pruned).</summary>
    public TimeSpan FullReconciliationInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>--bpf-lb-map-max</c>: capacity of each LB map (services, backends, reverse NAT).</summary>
    public int LbMapMaxEntries { get; init; } = Mesh.Bpf.Maps.Layouts.CiliumMaps.DefaultLbMaxEntries;

    /// <summary><c>--policy-default-local-cluster</c>: peer selectors without a cluster label select only the local cluster.</summary>
    public bool PolicyDefaultLocalCluster { get; init; } = true;

    /// <summary><c>--bpf-policy-map-max</c>: capacity of each endpoint's policy map; an endpoint needing more is degraded.</summary>
    public int PolicyMapMaxEntries { get; init; } = Mesh.Bpf.Maps.Layouts.CiliumMaps.DefaultPolicyMaxEntries;

    /// <summary>The policy engine's options for this agent.</summary>
    public Mesh.Policy.PolicyEngineOptions PolicyEngineOptions() => new()
    {
        LocalClusterName = ClusterName,
        PolicyDefaultLocalCluster = PolicyDefaultLocalCluster,
        PolicyMapMaxEntries = PolicyMapMaxEntries,
    };

    /// <summary>Every problem, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(NodeName))
        {
            errors.Add("--node-name: required");
        }
        if (ClusterLimits.CheckClusterName(ClusterName ?? string.Empty, ClusterId) is { } name)
        {
            errors.Add($"--cluster-name: {name.Detail}");
        }
        if (MaxConnectedClusters is not (ClusterLimits.DefaultMaxConnectedClusters or ClusterLimits.ExtendedMaxConnectedClusters))
        {
            errors.Add($"--max-connected-clusters: {MaxConnectedClusters} is neither 255 nor 511");
        }
        else if (new ClusterLimits(MaxConnectedClusters).CheckClusterId(ClusterId, "--cluster-id") is { } id)
        {
            errors.Add(id.Detail);
        }
        if (ClusterMeshHealthCheckInterval <= TimeSpan.Zero)
        {
            errors.Add("--clustermesh-health-check-interval: must be positive");
        }
        if (LbMapMaxEntries is < 16 or > 1 << 24)
        {
            errors.Add($"--bpf-lb-map-max: {LbMapMaxEntries} is outside 16..16777216");
        }
        if (PolicyMapMaxEntries is < 16 or > 1 << 20)
        {
            errors.Add($"--bpf-policy-map-max: {PolicyMapMaxEntries} is outside 16..1048576");
        }
        if (ClusterMeshCacheTtl < TimeSpan.Zero)
        {
            errors.Add("--clustermesh-cache-ttl: must not be negative");
        }
        return errors;
    }
}
