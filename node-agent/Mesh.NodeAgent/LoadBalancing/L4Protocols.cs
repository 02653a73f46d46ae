namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>Kubernetes and Cilium protocol names to <see cref="L4Protocol"/>.</summary>
public static class L4Protocols
{
    /// <summary>TCP, UDP or SCTP in any case; empty means TCP (the Kubernetes default).</summary>
    public static bool TryParse(string? text, out L4Protocol protocol)
    {
        switch (text?.ToUpperInvariant())
        {
            case null or "" or "TCP":
                protocol = L4Protocol.Tcp;
                return true;
            case "UDP":
                protocol = L4Protocol.Udp;
                return true;
            case "SCTP":
                protocol = L4Protocol.Sctp;
                return true;
            default:
                protocol = L4Protocol.Any;
                return false;
        }
    }

    public static string Name(L4Protocol protocol) => protocol switch
    {
        L4Protocol.Tcp => "TCP",
        L4Protocol.Udp => "UDP",
        L4Protocol.Sctp => "SCTP",
        _ => "ANY",
    };
}
