using Mesh.NodeAgent.LoadBalancing;

namespace Mesh.NodeAgent.LoadBalancerMaps;

/// <summary>The desired backend entry: ID → address, port, protocol, state and the cluster it runs in.</summary>
public sealed record LbBackendEntry(uint Id, L3L4Address Address, BackendState State, uint ClusterId, byte Zone);
