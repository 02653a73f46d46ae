using Mesh.Bgp.Codec.Attributes;

namespace Mesh.Bgp.Config.Advertisements;

/// <summary>The attributes an advertisement attaches: communities (standard and well-known), large communities, LOCAL_PREF.</summary>
internal sealed record RouteAttributes(IReadOnlyList<Community> Communities, IReadOnlyList<LargeCommunity> LargeCommunities, uint? LocalPreference)
{
    public static RouteAttributes None { get; } = new([], [], null);
}
