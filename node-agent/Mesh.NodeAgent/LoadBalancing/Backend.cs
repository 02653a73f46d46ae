namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>
/// One backend address:port for one service port name, from a local EndpointSlice or a remote cluster's service.
/// </summary>
public sealed record Backend(L3L4Address Address, string PortName, BackendState State, bool Unhealthy, uint ClusterId, string NodeName, string Zone)
{
    /// <summary>Healthy per spec §3.6: active or terminating, and not marked unhealthy.</summary>
    public bool IsHealthy => !Unhealthy && State is BackendState.Active or BackendState.Terminating;

    public bool IsActive => !Unhealthy && State == BackendState.Active;
}
