using System.Net;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>
/// MP_REACH_NLRI (RFC 4760 §3). For IPv6 the next hop is the global address plus, when the next hop
/// length is 32, a link-local address (RFC 2545 §3).
/// </summary>
public sealed record MpReachNlri(AfiSafi Family, IPAddress NextHop, IPAddress? LinkLocalNextHop, ValueArray<Prefix> Nlri)
{
    public int NextHopLength => NextHop.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : LinkLocalNextHop is null ? 16 : 32;
}
