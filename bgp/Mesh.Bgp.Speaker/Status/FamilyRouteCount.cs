using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Speaker.Status;

/// <summary>Route counts of one address family of a peer.</summary>
public readonly record struct FamilyRouteCount(AfiSafi Family, int Received, int Advertised);
