namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>How a frontend address was derived from the Service.</summary>
public enum FrontendType
{
    ClusterIp,
    ExternalIp,
    LoadBalancer,
}
