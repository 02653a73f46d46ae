using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>ROUTE-REFRESH (RFC 2918 §3): AFI (2), subtype (1, RFC 7313; reserved in RFC 2918), SAFI (1).</summary>
public sealed record RouteRefreshMessage(AfiSafi Family, RouteRefreshSubtype Subtype = RouteRefreshSubtype.Normal) : BgpMessage
{
    public override BgpMessageType Type => BgpMessageType.RouteRefresh;

    /// <summary>RFC 7313 §5: a subtype other than 0, 1 or 2 means the message is ignored.</summary>
    public bool IsKnownSubtype => Subtype <= RouteRefreshSubtype.EndOfRouteRefresh;
}
