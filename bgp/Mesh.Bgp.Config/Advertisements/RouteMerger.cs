using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Config.Advertisements;

/// <summary>
/// Collects the routes of one peer. A prefix selected by several advertisements is advertised once with the union
/// of their communities and the highest LOCAL_PREF. Equal attribute sets become one shared record, so the
/// Adj-RIB-Out packs them into the same UPDATEs.
/// </summary>
internal sealed class RouteMerger
{
    private readonly Dictionary<Prefix, (SortedSet<uint> Communities, SortedSet<LargeCommunity> Large, uint? LocalPref)> _routes = [];

    public void Add(Prefix prefix, RouteAttributes attributes)
    {
        if (!_routes.TryGetValue(prefix, out var route))
        {
            route = ([], new SortedSet<LargeCommunity>(LargeCommunityOrder.Instance), null);
        }
        foreach (var community in attributes.Communities)
        {
            route.Communities.Add(community.Value);
        }
        foreach (var large in attributes.LargeCommunities)
        {
            route.Large.Add(large);
        }
        if (attributes.LocalPreference is { } preference && (route.LocalPref is not { } current || preference > current))
        {
            route.LocalPref = preference;
        }
        _routes[prefix] = route;
    }

    public IReadOnlyDictionary<Prefix, PathAttributes> Build()
    {
        var shared = new Dictionary<PathAttributes, PathAttributes>();
        var result = new Dictionary<Prefix, PathAttributes>(_routes.Count);
        foreach (var (prefix, (communities, large, localPref)) in _routes)
        {
            var attributes = new PathAttributes
            {
                Origin = Origin.Igp,
                AsPath = AsPath.Empty,
                Communities = communities.Select(c => new Community(c)).ToArray(),
                LargeCommunities = large.ToArray(),
                LocalPref = localPref,
            };
            if (!shared.TryGetValue(attributes, out var existing))
            {
                shared.Add(attributes, attributes);
                existing = attributes;
            }
            result[prefix] = existing;
        }
        return result;
    }

    private sealed class LargeCommunityOrder : IComparer<LargeCommunity>
    {
        public static readonly LargeCommunityOrder Instance = new();

        public int Compare(LargeCommunity x, LargeCommunity y)
        {
            var c = x.GlobalAdministrator.CompareTo(y.GlobalAdministrator);
            c = c != 0 ? c : x.LocalData1.CompareTo(y.LocalData1);
            return c != 0 ? c : x.LocalData2.CompareTo(y.LocalData2);
        }
    }
}
