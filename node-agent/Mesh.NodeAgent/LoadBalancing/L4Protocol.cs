namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>L4 protocol with its IP protocol number, as the datapath keys services and backends.</summary>
public enum L4Protocol : byte
{
    /// <summary>Any protocol: only the wildcard service entry uses it.</summary>
    Any = 0,
    Tcp = 6,
    Udp = 17,
    Sctp = 132,
}
