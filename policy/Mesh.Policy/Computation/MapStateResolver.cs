using Mesh.Policy.Maps;
using Mesh.Policy.Selection;

namespace Mesh.Policy.Computation;

/// <summary>
/// Computes the keys of one peer identity in one endpoint's map with deny-wins resolution (spec §3.5): a deny is
/// dropped when another deny of the same identity or of identity 0 covers it; an allow is dropped when any such
/// deny covers it. The result depends only on the candidates, not on insertion order, so recomputing one identity
/// after churn yields exactly what a full computation would. Buffers are reused between calls (one owner).
/// </summary>
internal sealed class MapStateResolver(SelectorCache cache, PolicyEngineOptions options)
{
    private readonly HashSet<PortKey>[] _allows = [[], []];
    private readonly List<PortKey>[] _denies = [[], []];

    /// <summary>Appends the keys of <paramref name="identity"/> for <paramref name="endpoint"/> to <paramref name="output"/>.</summary>
    public void Resolve(EndpointState endpoint, uint identity, List<KeyValuePair<PolicyMapKey, PolicyMapEntry>> output)
    {
        var policy = endpoint.Policy;
        if (policy is null)
        {
            return;
        }
        for (var d = 0; d < 2; d++)
        {
            _allows[d].Clear();
            _denies[d].Clear();
        }
        Gather(endpoint, policy, identity);
        for (var d = 0; d < 2; d++)
        {
            var direction = (TrafficDirection)d;
            var denies = _denies[d];
            var wildcardDenies = identity == 0 ? null : endpoint.WildcardDenies[d];
            var kept = identity == 0 ? endpoint.WildcardDenies[d] : null;
            kept?.Clear();
            for (var i = 0; i < denies.Count; i++)
            {
                var deny = denies[i];
                if (CoveredBy(wildcardDenies, deny, -1) || CoveredBy(denies, deny, i))
                {
                    continue;
                }
                kept?.Add(deny);
                var key = Key(identity, direction, deny);
                output.Add(new(key, PolicyMapEntry.DenyFor(key)));
            }
            foreach (var allow in _allows[d])
            {
                if (CoveredBy(denies, allow, -1) || CoveredBy(wildcardDenies, allow, -1))
                {
                    continue;
                }
                var key = Key(identity, direction, allow);
                output.Add(new(key, PolicyMapEntry.AllowFor(key)));
            }
        }
    }

    private void Gather(EndpointState endpoint, ResolvedPolicy policy, uint identity)
    {
        if (identity == 0)
        {
            foreach (var index in policy.WildcardFilters)
            {
                Add(policy.Filters[index], endpoint.FilterKeys[index]);
            }
            for (var d = 0; d < 2; d++)
            {
                if (policy.AllowAll((TrafficDirection)d))
                {
                    _allows[d].Add(PortKey.Any);
                }
            }
            return;
        }
        AddSelected(endpoint, policy, identity);
        if (options.DualStack && ReservedIdentities.FollowsWorld(identity))
        {
            AddSelected(endpoint, policy, ReservedIdentities.World);
        }
        if (identity == ReservedIdentities.Host && options.AllowLocalhost == AllowLocalhostMode.Always)
        {
            _allows[(int)TrafficDirection.Ingress].Add(PortKey.Any);
        }
    }

    private void AddSelected(EndpointState endpoint, ResolvedPolicy policy, uint identity)
    {
        var selectors = cache.SelectorsOf(identity);
        for (var s = 0; s < selectors.Count; s++)
        {
            if (!policy.FiltersBySelector.TryGetValue(selectors[s], out var indexes))
            {
                continue;
            }
            foreach (var index in indexes)
            {
                Add(policy.Filters[index], endpoint.FilterKeys[index]);
            }
        }
    }

    private void Add(Filter filter, PortKey[] keys)
    {
        var d = (int)filter.Direction;
        if (!filter.Deny)
        {
            _allows[d].UnionWith(keys);
            return;
        }
        var denies = _denies[d];
        foreach (var key in keys)
        {
            if (!denies.Contains(key))
            {
                denies.Add(key);
            }
        }
    }

    /// <summary>True when a key of <paramref name="denies"/> other than index <paramref name="self"/> covers <paramref name="key"/>.</summary>
    private static bool CoveredBy(List<PortKey>? denies, PortKey key, int self)
    {
        if (denies is null)
        {
            return false;
        }
        for (var i = 0; i < denies.Count; i++)
        {
            if (i != self && denies[i].Covers(key))
            {
                return true;
            }
        }
        return false;
    }

    private static PolicyMapKey Key(uint identity, TrafficDirection direction, PortKey port) =>
        new(identity, direction, port.Protocol, port.Port, port.Prefix);
}
