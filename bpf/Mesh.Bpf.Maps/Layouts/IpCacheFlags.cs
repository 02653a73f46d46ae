namespace Mesh.Bpf.Maps.Layouts;

/// <summary>The flag bits of the ipcache value's last byte (Cilium's <c>RemoteEndpointInfoFlags</c>).</summary>
[Flags]
public enum IpCacheFlags : byte
{
    None = 0,

    /// <summary>FlagSkipTunnel: never encapsulate traffic to this prefix.</summary>
    SkipTunnel = 1 << 0,

    /// <summary>FlagHasTunnelEndpoint: the tunnel endpoint field is set.</summary>
    HasTunnelEndpoint = 1 << 1,

    /// <summary>FlagIPv6TunnelEndpoint: the tunnel endpoint is an IPv6 address.</summary>
    IPv6TunnelEndpoint = 1 << 2,

    /// <summary>FlagRemoteCluster: the endpoint lives in another cluster of the mesh.</summary>
    RemoteCluster = 1 << 3,
}
