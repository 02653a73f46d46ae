using Mesh.NodeAgent.Allocation;
using Mesh.NodeAgent.Collections;
using Mesh.NodeAgent.LoadBalancing;

namespace Mesh.NodeAgent.LoadBalancerMaps;

/// <summary>
/// Turns services and their backend sets (local slices, remote clusters) into the desired contents of the
/// services, backends and reverse-NAT maps, incrementally: a change to one service or one backend set recomputes
/// only that service. Backend IDs are shared by address across services; reverse-NAT indexes belong to a frontend;
/// both survive restarts through <see cref="Restore"/>. Pure: the caller feeds changes and applies the result.
/// </summary>
public sealed class LoadBalancerPlanner
{
    private readonly string _nodeName;
    private readonly Dictionary<ServiceName, ServiceIntent> _services = [];
    private readonly Dictionary<ServiceName, Dictionary<string, ServiceBackendSet>> _sets = [];
    private readonly Dictionary<ServiceName, ServicePlan> _plans = [];
    private readonly Dictionary<LbFrontendKey, ServiceName> _frontendOwners = [];
    private readonly Dictionary<L3L4Address, BackendUse> _backends = [];
    private readonly IdAllocator<L3L4Address> _backendIds = new(1, uint.MaxValue);
    private readonly IdAllocator<LbFrontendKey> _revNatIndexes = new(1, ushort.MaxValue);
    private readonly HashSet<ServiceName> _dirty = [];
    private readonly Dictionary<LbFrontendKey, HashSet<ServiceName>> _waiting = [];

    public LoadBalancerPlanner(string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        _nodeName = nodeName;
    }

    public int ServiceCount => _services.Count;

    public int BackendCount => _backends.Count;

    /// <summary>Seeds the allocators with what the datapath already holds so unchanged state keeps its IDs.</summary>
    public void Restore(IEnumerable<LbServiceEntry> services, IEnumerable<LbBackendEntry> backends)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(backends);
        foreach (var backend in backends)
        {
            _backendIds.Restore(backend.Address, backend.Id);
        }
        foreach (var service in services)
        {
            if (service.RevNatIndex != 0)
            {
                _revNatIndexes.Restore(service.Key, service.RevNatIndex);
            }
        }
    }

    public void SetService(ServiceIntent service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _services[service.Name] = service;
        _dirty.Add(service.Name);
    }

    public void RemoveService(ServiceName name)
    {
        if (_services.Remove(name))
        {
            _dirty.Add(name);
        }
    }

    public void SetBackends(ServiceBackendSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (!_sets.TryGetValue(set.Service, out var bySource))
        {
            _sets[set.Service] = bySource = [];
        }
        bySource[set.Source] = set;
        _dirty.Add(set.Service);
    }

    public void RemoveBackends(ServiceName service, string source)
    {
        if (_sets.TryGetValue(service, out var bySource) && bySource.Remove(source))
        {
            if (bySource.Count == 0)
            {
                _sets.Remove(service);
            }
            _dirty.Add(service);
        }
    }

    /// <summary>The backend sets currently known for <paramref name="service"/>.</summary>
    public IReadOnlyCollection<ServiceBackendSet> BackendSetsOf(ServiceName service) =>
        _sets.TryGetValue(service, out var bySource) ? bySource.Values : [];

    /// <summary>The current selection per frontend of a service (for status and the demo).</summary>
    public IReadOnlyList<(Frontend Frontend, SelectedBackends Selected)> SelectionOf(ServiceName name)
    {
        if (!_services.TryGetValue(name, out var service))
        {
            return [];
        }
        var sets = BackendSetsOf(name);
        return [.. service.Frontends.Select(f => (f, BackendSelection.Select(service, f, sets)))];
    }

    /// <summary>Recomputes every service changed since the last call and returns the row changes.</summary>
    /// <param name="releaseUnclaimed">
    /// Every source has synced: after planning, IDs restored at start that no service claimed are free again. Only
    /// after planning, since a restored ID is claimed when its service is planned, not when its input arrives.
    /// </param>
    public LbChanges Flush(bool releaseUnclaimed = false)
    {
        var changes = new LbChanges();
        // Releasing a frontend can wake a service that waited for it, so repeat until nothing is dirty.
        while (_dirty.Count > 0)
        {
            var dirty = _dirty.ToList();
            dirty.Sort();
            _dirty.Clear();
            foreach (var name in dirty)
            {
                Recompute(name, changes);
            }
        }
        // A key deleted by one service and taken over by another in the same step is an upsert only.
        var upserted = changes.ServiceUpserts.Select(e => e.Key).ToHashSet();
        changes.ServiceDeletes.RemoveAll(upserted.Contains);
        var revNats = changes.RevNatUpserts.Select(e => e.Index).ToHashSet();
        changes.RevNatDeletes.RemoveAll(revNats.Contains);
        var backendIds = changes.BackendUpserts.Select(e => e.Id).ToHashSet();
        changes.BackendDeletes.RemoveAll(backendIds.Contains);
        if (releaseUnclaimed)
        {
            _backendIds.ReleaseUnclaimed();
            _revNatIndexes.ReleaseUnclaimed();
        }
        return changes;
    }

    private void Recompute(ServiceName name, LbChanges changes)
    {
        var previous = _plans.GetValueOrDefault(name) ?? ServicePlan.Empty;
        var next = _services.TryGetValue(name, out var service)
            ? Plan(service, BackendSetsOf(name), changes)
            : ServicePlan.Empty;

        foreach (var entry in next.Entries.Values)
        {
            if (!previous.Entries.TryGetValue(entry.Key, out var old) || old != entry)
            {
                changes.ServiceUpserts.Add(entry);
            }
            if (entry.RevNatIndex != 0 && !previous.Entries.ContainsKey(entry.Key))
            {
                changes.RevNatUpserts.Add(new LbRevNatEntry(entry.RevNatIndex, entry.Key.Address, entry.Key.Port));
            }
        }
        foreach (var (key, old) in previous.Entries)
        {
            if (!next.Entries.ContainsKey(key) && _frontendOwners.GetValueOrDefault(key) == name)
            {
                changes.ServiceDeletes.Add(key);
                _frontendOwners.Remove(key);
                if (_waiting.Remove(key, out var waiters))
                {
                    _dirty.UnionWith(waiters);
                }
                if (old.RevNatIndex != 0)
                {
                    changes.RevNatDeletes.Add(old.RevNatIndex);
                    _revNatIndexes.Release(key);
                }
            }
        }

        // Acquire before release so a backend moving between this service's frontends keeps its ID.
        foreach (var backend in next.Backends.Values)
        {
            AcquireBackend(backend, previous.Backends.ContainsKey(backend.Address), changes);
        }
        foreach (var address in previous.Backends.Keys)
        {
            if (!next.Backends.ContainsKey(address))
            {
                ReleaseBackend(address, changes);
            }
        }

        if (next.Entries.Count == 0 && next.Backends.Count == 0)
        {
            _plans.Remove(name);
        }
        else
        {
            _plans[name] = next;
        }
    }

    private ServicePlan Plan(ServiceIntent service, IReadOnlyCollection<ServiceBackendSet> sets, LbChanges changes)
    {
        var plan = new ServicePlan();
        var wildcards = new SortedDictionary<LbFrontendKey, ServiceFlagBits>();
        foreach (var frontend in service.Frontends)
        {
            var selected = BackendSelection.Select(service, frontend, sets);
            foreach (var backend in selected.Backends)
            {
                plan.Backends.TryAdd(backend.Address, backend);
            }
            var flags = TypeFlags(frontend.Type);
            if (service.SessionAffinityTimeoutSeconds > 0)
            {
                flags |= ServiceFlagBits.SessionAffinity;
            }
            var twoScopes = service.ExternalTrafficLocal && frontend.Type != FrontendType.ClusterIp;
            if (twoScopes)
            {
                // traffic policy Local: outside traffic only to this node's backends, in-cluster traffic to all.
                var onNode = selected.Backends.Where(b => b.ClusterId == LocalClusterOf(sets) && b.NodeName == _nodeName);
                AddEntry(plan, service, frontend, LbScope.External, flags | ServiceFlagBits.ExternalLocalScope | ServiceFlagBits.TwoScopes, onNode, changes);
                AddEntry(plan, service, frontend, LbScope.Internal, flags | ServiceFlagBits.TwoScopes, selected.Backends, changes);
            }
            else
            {
                AddEntry(plan, service, frontend, LbScope.External, flags, selected.Backends, changes);
            }
            wildcards.TryAdd(new LbFrontendKey(frontend.Address.Address, 0, L4Protocol.Any, LbScope.External), TypeFlags(frontend.Type));
        }
        foreach (var (key, flags) in wildcards)
        {
            if (Claim(key, service.Name, changes))
            {
                plan.Entries[key] = new LbServiceEntry(key, service.Name, 0, ValueList<uint>.Empty, flags, 0);
            }
        }
        return plan;
    }

    private void AddEntry(ServicePlan plan, ServiceIntent service, Frontend frontend, LbScope scope, ServiceFlagBits flags, IEnumerable<Backend> backends, LbChanges changes)
    {
        var key = new LbFrontendKey(frontend.Address.Address, frontend.Address.Port, frontend.Address.Protocol, scope);
        if (!Claim(key, service.Name, changes))
        {
            return;
        }
        var revNat = (ushort)_revNatIndexes.Acquire(key);
        if (revNat == 0)
        {
            changes.Errors.Add($"{service.Name}: no free reverse-NAT index for {key}");
            return;
        }
        // Slots hold the active backends; terminating ones only when nothing is active (they still finish their
        // connections either way, because they keep their backend entries).
        var candidates = backends.Where(b => b.IsActive).ToList();
        if (candidates.Count == 0)
        {
            candidates = [.. backends.Where(b => b.IsHealthy)];
        }
        var ids = new List<uint>(candidates.Count);
        foreach (var backend in candidates)
        {
            var id = BackendIdFor(backend.Address, changes);
            if (id != 0)
            {
                ids.Add(id);
            }
        }
        plan.Entries[key] = new LbServiceEntry(key, service.Name, revNat, new ValueList<uint>(ids), flags, service.SessionAffinityTimeoutSeconds);
    }

    private bool Claim(LbFrontendKey key, ServiceName owner, LbChanges changes)
    {
        if (_frontendOwners.TryGetValue(key, out var existing) && existing != owner)
        {
            if (!_waiting.TryGetValue(key, out var waiters))
            {
                _waiting[key] = waiters = [];
            }
            waiters.Add(owner);
            if (!key.IsWildcard)
            {
                changes.Errors.Add($"{owner}: frontend {key} already belongs to {existing}");
            }
            return false;
        }
        _frontendOwners[key] = owner;
        return true;
    }

    private uint BackendIdFor(L3L4Address address, LbChanges changes)
    {
        if (_backends.TryGetValue(address, out var use))
        {
            return use.Entry.Id;
        }
        if (_backendIds.TryGet(address, out var id) || (id = _backendIds.Acquire(address)) != 0)
        {
            return id;
        }
        changes.Errors.Add($"no free backend ID for {address}");
        return 0;
    }

    private void AcquireBackend(Backend backend, bool heldBefore, LbChanges changes)
    {
        var id = _backendIds.Acquire(backend.Address);
        if (id == 0)
        {
            return;
        }
        var entry = new LbBackendEntry(id, backend.Address, backend.State, backend.ClusterId, 0);
        if (_backends.TryGetValue(backend.Address, out var use))
        {
            if (!heldBefore)
            {
                use.References++;
            }
            if (use.Entry != entry)
            {
                use.Entry = entry;
                changes.BackendUpserts.Add(entry);
            }
            return;
        }
        _backends[backend.Address] = new BackendUse(entry);
        changes.BackendUpserts.Add(entry);
    }

    private void ReleaseBackend(L3L4Address address, LbChanges changes)
    {
        if (!_backends.TryGetValue(address, out var use))
        {
            return;
        }
        if (--use.References > 0)
        {
            return;
        }
        _backends.Remove(address);
        _backendIds.Release(address);
        changes.BackendDeletes.Add(use.Entry.Id);
    }

    private static uint LocalClusterOf(IReadOnlyCollection<ServiceBackendSet> sets) =>
        sets.FirstOrDefault(s => s.IsLocal)?.ClusterId ?? 0;

    private static ServiceFlagBits TypeFlags(FrontendType type) => type switch
    {
        FrontendType.ExternalIp => ServiceFlagBits.ExternalIp | ServiceFlagBits.Routable,
        FrontendType.LoadBalancer => ServiceFlagBits.LoadBalancer | ServiceFlagBits.Routable,
        _ => ServiceFlagBits.None,
    };

    private sealed class ServicePlan
    {
        public static ServicePlan Empty { get; } = new();

        public SortedDictionary<LbFrontendKey, LbServiceEntry> Entries { get; } = [];

        public Dictionary<L3L4Address, Backend> Backends { get; } = [];
    }

    private sealed class BackendUse(LbBackendEntry entry)
    {
        public LbBackendEntry Entry { get; set; } = entry;

        public int References { get; set; } = 1;
    }
}
