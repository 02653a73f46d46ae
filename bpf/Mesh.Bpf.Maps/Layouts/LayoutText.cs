using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>Renders addresses the way cilium-dbg prints them, so dumps read the same.</summary>
public static class LayoutText
{
    public static string Proto(L4Proto proto) => proto switch
    {
        L4Proto.Any => "ANY",
        L4Proto.Icmp => "ICMP",
        L4Proto.Tcp => "TCP",
        L4Proto.Udp => "UDP",
        L4Proto.IcmpV6 => "ICMPv6",
        L4Proto.Sctp => "SCTP",
        _ => ((byte)proto).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary><c>10.0.0.1:80</c> or <c>[fd00::1]:80</c>.</summary>
    public static string HostPort(IPAddress address, ushort port)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{address}]:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"{address}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>A service frontend: <c>10.96.0.10:53/UDP</c>, plus <c>/i</c> for the internal scope.</summary>
    public static string Frontend(IPAddress vip, ushort port, L4Proto proto, ServiceScope scope) =>
        $"{HostPort(vip, port)}/{Proto(proto)}{(scope == ServiceScope.Internal ? "/i" : string.Empty)}";

    /// <summary>A backend: <c>10.244.1.5:8080/TCP</c>.</summary>
    public static string Backend(IPAddress address, ushort port, L4Proto proto) => $"{HostPort(address, port)}/{Proto(proto)}";

    /// <summary>Cilium's <c>ServiceFlags.String()</c>: the service type first, then the modifiers.</summary>
    public static string Flags(ServiceFlags flags)
    {
        var parts = new List<string>(4) { ServiceType(flags) };
        if ((flags & ServiceFlags.ExtLocalScope) != 0)
        {
            parts.Add("Local");
        }
        if ((flags & ServiceFlags.IntLocalScope) != 0)
        {
            parts.Add("InternalLocal");
        }
        if ((flags & ServiceFlags.TwoScopes) != 0)
        {
            parts.Add("two-scopes");
        }
        if ((flags & ServiceFlags.SessionAffinity) != 0)
        {
            parts.Add("sessionAffinity");
        }
        if ((flags & ServiceFlags.Routable) == 0)
        {
            parts.Add("non-routable");
        }
        var deny = false;
        if ((flags & ServiceFlags.SourceRange) != 0)
        {
            parts.Add("check source-range");
            if ((flags & ServiceFlags.SourceRangeDeny) != 0)
            {
                deny = true;
                parts.Add("deny");
            }
        }
        if ((flags & ServiceFlags.Nat46x64) != 0)
        {
            parts.Add("46x64");
        }
        if ((flags & ServiceFlags.L7LoadBalancer) != 0)
        {
            parts.Add("l7-load-balancer");
        }
        if ((flags & ServiceFlags.Loopback) != 0)
        {
            parts.Add(ServiceType(flags) == "HostPort" ? "loopback" : "delegate-if-local");
        }
        if (!deny && (flags & ServiceFlags.Quarantined) != 0)
        {
            parts.Add("quarantined");
        }
        if ((flags & ServiceFlags.FwdModeDsr) != 0)
        {
            parts.Add("dsr");
        }
        return string.Join(", ", parts);
    }

    /// <summary><c>skiptunnel,hastunnel</c>; <c>&lt;none&gt;</c> when no bit is set.</summary>
    public static string Flags(IpCacheFlags flags)
    {
        if (flags == IpCacheFlags.None)
        {
            return "<none>";
        }
        var parts = new List<string>(4);
        if ((flags & IpCacheFlags.SkipTunnel) != 0)
        {
            parts.Add("skiptunnel");
        }
        if ((flags & IpCacheFlags.HasTunnelEndpoint) != 0)
        {
            parts.Add("hastunnel");
        }
        if ((flags & IpCacheFlags.IPv6TunnelEndpoint) != 0)
        {
            parts.Add("ipv6tunnel");
        }
        if ((flags & IpCacheFlags.RemoteCluster) != 0)
        {
            parts.Add("remotecluster");
        }
        return string.Join(",", parts);
    }

    private static string ServiceType(ServiceFlags flags) =>
        (flags & ServiceFlags.ExternalIPs) != 0 ? "ExternalIPs"
        : (flags & ServiceFlags.NodePort) != 0 ? "NodePort"
        : (flags & ServiceFlags.LoadBalancer) != 0 ? "LoadBalancer"
        : (flags & ServiceFlags.HostPort) != 0 ? "HostPort"
        : (flags & ServiceFlags.LocalRedirect) != 0 ? "LocalRedirect"
        : "ClusterIP";
}
