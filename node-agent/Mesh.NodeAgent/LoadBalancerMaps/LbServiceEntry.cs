using Mesh.NodeAgent.Collections;
using Mesh.NodeAgent.LoadBalancing;

namespace Mesh.NodeAgent.LoadBalancerMaps;

/// <summary>
/// The desired service entry of one frontend: slot 0 plus one slot per backend ID, in slot order.
/// </summary>
public sealed record LbServiceEntry(
    LbFrontendKey Key,
    ServiceName Service,
    ushort RevNatIndex,
    ValueList<uint> BackendIds,
    ServiceFlagBits Flags,
    uint SessionAffinityTimeoutSeconds);
