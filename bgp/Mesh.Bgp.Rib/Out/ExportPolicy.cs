using System.Net;

namespace Mesh.Bgp.Rib.Out;

/// <summary>
/// What the export rules need about one session: our AS, whether the peer is external, and the next hops
/// to put on routes (the session's local address; for IPv6 also the link-local address when known).
/// A family without a next hop of its own address family is not exported.
/// </summary>
public sealed record ExportPolicy(uint LocalAsn, bool External, IPAddress? IPv4NextHop, IPAddress? IPv6NextHop, IPAddress? IPv6LinkLocalNextHop = null)
{
    /// <summary>LOCAL_PREF sent to internal peers when the route has none (RFC 4271 §5.1.5 leaves it local; 100 is customary).</summary>
    public uint DefaultLocalPref { get; init; } = 100;
}
