namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>The <c>service.cilium.io/affinity</c> of a global service (spec §4.1).</summary>
public enum ServiceAffinity
{
    None,
    Local,
    Remote,
}
