using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Rib.In;

/// <summary>A route learned from a peer, kept for display; <see cref="Attributes"/> carries no NLRI lists.</summary>
public sealed record ReceivedRoute(Prefix Prefix, PathAttributes Attributes, DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// Kept from before the peer's restart (RFC 4724 §4.2) or its enhanced route refresh (RFC 7313 §4) and not
    /// re-advertised yet; dropped at End-of-RIB / EoRR or when the restart timer runs out.
    /// </summary>
    public bool Stale { get; init; }

    /// <summary>NEXT_HOP for IPv4 NLRI, the MP_REACH global next hop otherwise.</summary>
    public System.Net.IPAddress? NextHop => Attributes.MpReach?.NextHop ?? Attributes.NextHop;
}
