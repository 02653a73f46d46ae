namespace Mesh.Bgp.Codec.Messages;

/// <summary>ROUTE-REFRESH Message Subtype (RFC 7313 §3.2); other values must be ignored by the receiver.</summary>
public enum RouteRefreshSubtype : byte
{
    Normal = 0,
    BeginningOfRouteRefresh = 1,
    EndOfRouteRefresh = 2,
}
