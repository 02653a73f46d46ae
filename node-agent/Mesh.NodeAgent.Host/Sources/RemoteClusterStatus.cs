namespace Mesh.NodeAgent.Host.Sources;

/// <summary>One remote cluster as the agent sees it (spec §2.8 fields).</summary>
public sealed record RemoteClusterStatus(
    string Name,
    bool Ready,
    bool Connected,
    bool ConfigRetrieved,
    uint ClusterId,
    bool Cached,
    bool SyncedNodes,
    bool SyncedServices,
    bool SyncedEndpoints,
    int Nodes,
    int SharedServices,
    int Endpoints,
    long Rejected,
    int Failures,
    DateTimeOffset? LastFailure,
    string? LastError);
