using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Config.Advertisements;

/// <summary>The prefixes one <c>spec.advertisements[]</c> entry yields on this node, and the attributes they carry.</summary>
internal sealed record AdvertisedRoutes(IReadOnlyList<Prefix> Prefixes, RouteAttributes Attributes);
