using Mesh.Policy.Labels;
using Mesh.Policy.Selection;

namespace Mesh.Policy.Computation;

/// <summary>
/// Selector → selected identities, updated incrementally (spec §3.2). A new identity is matched only against the
/// selectors that require its namespace plus those that require none; a new selector only against the identities
/// of its namespace (or all, when it names none). Each change reports exactly which selectors gained or lost which
/// identity, so map state can be patched key by key.
/// </summary>
internal sealed class SelectorCache
{
    private readonly Dictionary<string, CachedSelector> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CachedSelector>> _selectorsByNamespace = new(StringComparer.Ordinal);
    private readonly List<CachedSelector> _selectorsWithoutNamespace = [];
    private readonly Dictionary<uint, LabelSet> _identities = [];
    private readonly Dictionary<string, HashSet<uint>> _identitiesByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, List<CachedSelector>> _selectorsOf = [];

    public int SelectorCount => _byKey.Count;

    public IReadOnlyDictionary<uint, LabelSet> Identities => _identities;

    public LabelSet? Labels(uint identity) => _identities.GetValueOrDefault(identity);

    /// <summary>The tracked (non-wildcard) selectors that currently select <paramref name="identity"/>.</summary>
    public IReadOnlyList<CachedSelector> SelectorsOf(uint identity) =>
        _selectorsOf.TryGetValue(identity, out var list) ? list : [];

    public CachedSelector? Find(IdentitySelector selector) => _byKey.GetValueOrDefault(selector.Key);

    /// <summary>Takes a reference on the entry for <paramref name="selector"/>; a new entry is filled from the known identities.</summary>
    public CachedSelector Acquire(IdentitySelector selector)
    {
        if (_byKey.TryGetValue(selector.Key, out var cached))
        {
            cached.References++;
            return cached;
        }
        cached = new CachedSelector(selector) { References = 1 };
        _byKey.Add(selector.Key, cached);
        if (cached.IsWildcard)
        {
            return cached;
        }
        if (selector.Namespace is { } ns)
        {
            Bucket(_selectorsByNamespace, ns).Add(cached);
            if (_identitiesByNamespace.TryGetValue(ns, out var ids))
            {
                foreach (var id in ids)
                {
                    TryAdd(cached, id, _identities[id]);
                }
            }
        }
        else
        {
            _selectorsWithoutNamespace.Add(cached);
            foreach (var (id, labels) in _identities)
            {
                TryAdd(cached, id, labels);
            }
        }
        return cached;
    }

    /// <summary>Drops a reference; the entry goes away with its last user.</summary>
    public void Release(CachedSelector cached)
    {
        if (--cached.References > 0)
        {
            return;
        }
        _byKey.Remove(cached.Selector.Key);
        if (cached.IsWildcard)
        {
            return;
        }
        if (cached.Selector.Namespace is { } ns)
        {
            _selectorsByNamespace[ns].Remove(cached);
        }
        else
        {
            _selectorsWithoutNamespace.Remove(cached);
        }
        foreach (var id in cached.Selections)
        {
            _selectorsOf[id].Remove(cached);
        }
        cached.Selections.Clear();
    }

    /// <summary>
    /// Adds an identity or changes its labels, appending every selector that gained or lost it to <paramref name="changes"/>.
    /// Returns false when nothing changed (same labels).
    /// </summary>
    public bool UpsertIdentity(uint id, LabelSet labels, List<SelectionChange> changes)
    {
        if (_identities.TryGetValue(id, out var old))
        {
            if (old.Equals(labels))
            {
                return false;
            }
            IndexIdentity(id, old, remove: true);
            if (_selectorsOf.TryGetValue(id, out var current))
            {
                for (var i = current.Count - 1; i >= 0; i--)
                {
                    var cached = current[i];
                    if (!cached.Selector.Matches(labels))
                    {
                        cached.Selections.Remove(id);
                        current.RemoveAt(i);
                        changes.Add(new SelectionChange(cached, id, Added: false));
                    }
                }
            }
        }
        _identities[id] = labels;
        IndexIdentity(id, labels, remove: false);
        if (labels.Namespace is { } ns && _selectorsByNamespace.TryGetValue(ns, out var scoped))
        {
            Match(scoped, id, labels, changes);
        }
        Match(_selectorsWithoutNamespace, id, labels, changes);
        return true;
    }

    /// <summary>Removes an identity from every selector holding it; false when it was unknown.</summary>
    public bool DeleteIdentity(uint id, List<SelectionChange> changes)
    {
        if (!_identities.Remove(id, out var labels))
        {
            return false;
        }
        IndexIdentity(id, labels, remove: true);
        if (_selectorsOf.Remove(id, out var current))
        {
            foreach (var cached in current)
            {
                cached.Selections.Remove(id);
                changes.Add(new SelectionChange(cached, id, Added: false));
            }
        }
        return true;
    }

    private void Match(List<CachedSelector> selectors, uint id, LabelSet labels, List<SelectionChange> changes)
    {
        foreach (var cached in selectors)
        {
            if (!cached.Selections.Contains(id) && TryAdd(cached, id, labels))
            {
                changes.Add(new SelectionChange(cached, id, Added: true));
            }
        }
    }

    private bool TryAdd(CachedSelector cached, uint id, LabelSet labels)
    {
        if (!cached.Selector.Matches(labels) || !cached.Selections.Add(id))
        {
            return false;
        }
        if (!_selectorsOf.TryGetValue(id, out var list))
        {
            list = [];
            _selectorsOf.Add(id, list);
        }
        list.Add(cached);
        return true;
    }

    private void IndexIdentity(uint id, LabelSet labels, bool remove)
    {
        if (labels.Namespace is not { } ns)
        {
            return;
        }
        if (remove)
        {
            if (_identitiesByNamespace.TryGetValue(ns, out var set) && set.Remove(id) && set.Count == 0)
            {
                _identitiesByNamespace.Remove(ns);
            }
            return;
        }
        if (!_identitiesByNamespace.TryGetValue(ns, out var ids))
        {
            ids = [];
            _identitiesByNamespace.Add(ns, ids);
        }
        ids.Add(id);
    }

    private static List<CachedSelector> Bucket(Dictionary<string, List<CachedSelector>> buckets, string key)
    {
        if (!buckets.TryGetValue(key, out var list))
        {
            list = [];
            buckets.Add(key, list);
        }
        return list;
    }
}
