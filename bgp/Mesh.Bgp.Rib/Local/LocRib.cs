using System.Runtime.InteropServices;
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
        return Set([.. prefixes.Select(prefix => KeyValuePair.Create(prefix, attributes))]);
    }

    /// <summary>Sets each route's own attributes (prefixes with equal attributes should share one record for packing).</summary>
    public IReadOnlyList<RibChange> Set(IReadOnlyList<KeyValuePair<Prefix, PathAttributes>> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var changes = new List<RibChange>(routes.Count);
        _routes.EnsureCapacity(_routes.Count + routes.Count);
        for (var i = 0; i < routes.Count; i++)
        {
            var (prefix, attributes) = routes[i];
            if (Store(prefix, attributes))
            {
                changes.Add(new RibChange(prefix, attributes));
            }
        }

        return changes;
    }

    public IReadOnlyList<RibChange> Remove(IEnumerable<Prefix> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        // Sized once: a withdrawal of thousands of routes otherwise regrows its list through the large object heap.
        var changes = new List<RibChange>(prefixes.TryGetNonEnumeratedCount(out var count) ? Math.Min(count, _routes.Count) : 0);
        foreach (var prefix in prefixes)
        {
            if (_routes.Remove(prefix))
            {
                changes.Add(new RibChange(prefix, null));
            }
        }

        TableShrink.AfterRemovals(_routes);
        return changes;
    }

    /// <summary>Applies routes set (attributes) and withdrawn (null) as they come, without listing what changed.</summary>
    public void Apply(ReadOnlySpan<RibChange> changes)
    {
        var removed = false;
        var sized = false;
        for (var i = 0; i < changes.Length; i++)
        {
            var (prefix, attributes) = changes[i];
            if (attributes is null)
            {
                removed |= _routes.Remove(prefix);
                continue;
            }

            if (!sized)
            {
                // Room for the rest of the batch at its first route set (a withdrawal needs none).
                _routes.EnsureCapacity(_routes.Count + changes.Length - i);
                sized = true;
            }

            Store(prefix, attributes);
        }

        if (removed)
        {
            TableShrink.AfterRemovals(_routes);
        }
    }

    /// <summary>One hash lookup per route; false when the prefix already had these attributes.</summary>
    private bool Store(Prefix prefix, PathAttributes attributes)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_routes, prefix, out var existed);
        if (existed && (ReferenceEquals(slot, attributes) || slot!.Equals(attributes)))
        {
            return false;
        }

        slot = attributes;
        return true;
    }
}
