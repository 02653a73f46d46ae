using Mesh.NodeAgent.Collections;

namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>
/// A local Service as the load balancer sees it: its frontends and the clustermesh annotations that decide whether
/// remote backends are used (<see cref="Global"/>) and which side is preferred (<see cref="Affinity"/>).
/// </summary>
public sealed record ServiceIntent(
    ServiceName Name,
    ValueList<Frontend> Frontends,
    bool Global,
    bool Shared,
    ServiceAffinity Affinity,
    uint SessionAffinityTimeoutSeconds,
    bool ExternalTrafficLocal);
