using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Rib.Local;

/// <summary>
/// Locally originated routes: prefix → attributes as configured (before export rules). Not thread-safe:
/// owned by the speaker's single RIB loop. Mutations return only the prefixes that really changed.
/// </summary>
public sealed class LocRib
{
    private readonly Dictionary<Prefix, PathAttributes> _routes = [];

    public int Count => _routes.Count;

    public IReadOnlyDictionary<Prefix, PathAttributes> Routes => _routes;

    public IReadOnlyList<RibChange> Set(IEnumerable<Prefix> prefixes, PathAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentNullException.ThrowIfNull(attributes);
        var changes = new List<RibChange>();
        foreach (var prefix in prefixes)
        {
            if (_routes.TryGetValue(prefix, out var existing) && existing.Equals(attributes))
            {
                continue;
            }

            _routes[prefix] = attributes;
            changes.Add(new RibChange(prefix, attributes));
        }

        return changes;
    }

    /// <summary>Sets each route's own attributes (prefixes with equal attributes should share one record for packing).</summary>
    public IReadOnlyList<RibChange> Set(IReadOnlyList<KeyValuePair<Prefix, PathAttributes>> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var changes = new List<RibChange>(routes.Count);
        foreach (var (prefix, attributes) in routes)
        {
            if (_routes.TryGetValue(prefix, out var existing) && existing.Equals(attributes))
            {
                continue;
            }

            _routes[prefix] = attributes;
            changes.Add(new RibChange(prefix, attributes));
        }

        return changes;
    }

    public IReadOnlyList<RibChange> Remove(IEnumerable<Prefix> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var changes = new List<RibChange>();
        foreach (var prefix in prefixes)
        {
            if (_routes.Remove(prefix))
            {
                changes.Add(new RibChange(prefix, null));
            }
        }

        return changes;
    }
}
