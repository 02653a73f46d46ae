using Mesh.NodeAgent.Host.Datapath;
using Mesh.NodeAgent.Host.Metrics;
using Mesh.NodeAgent.Host.Sources;
using Mesh.StateDb.Reconciliation;

namespace Mesh.NodeAgent.Host;

/// <summary>What <c>mesh agent status</c> shows: remote clusters, table counts and reconciler health.</summary>
public sealed record NodeAgentStatus(
    string Node,
    string Cluster,
    uint ClusterId,
    string MapLocation,
    bool Ready,
    IReadOnlyList<RemoteClusterStatus> Remotes,
    IReadOnlyDictionary<string, int> Tables,
    IReadOnlyList<ReconcilerHealth> Reconcilers,
    IReadOnlyList<string> Errors,
    IReadOnlyList<MapCounters> Maps,
    PropagationSummary Propagation)
{
    /// <summary>Policies, local endpoints' policy state (degraded ones flagged) and identity labels.</summary>
    public Mesh.NodeAgent.Policy.PolicyControllerStatus Policy { get; init; } = Mesh.NodeAgent.Policy.PolicyControllerStatus.Empty;
}
