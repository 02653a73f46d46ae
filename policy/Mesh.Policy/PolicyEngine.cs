using Mesh.Kubernetes.Objects;
using Mesh.Policy.Cidr;
using Mesh.Policy.Computation;
using Mesh.Policy.Labels;
using Mesh.Policy.Maps;
using Mesh.Policy.Rules;
using Mesh.Policy.Selection;
using Mesh.Policy.Translation;
using Mesh.Policy.Verdict;

namespace Mesh.Policy;

/// <summary>
/// The policy repository and per-endpoint map-state computation of one node. Feed it policies (CNP, CCNP, KNP),
/// identities from every cluster and the local endpoints; read each endpoint's desired policy map and the keys
/// changed since the last read. A policy or endpoint change recomputes the affected endpoints; identity churn only
/// replaces that identity's keys in the endpoints whose selectors gained or lost it.
/// </summary>
/// <remarks>Not thread-safe: one loop owns it (snapshots from <see cref="GetMapState"/> may be shared).</remarks>
public sealed class PolicyEngine
{
    private readonly PolicyEngineOptions _options;
    private readonly SelectorCache _cache = new();
    private readonly MapStateResolver _resolver;
    private readonly CidrIdentityAllocator _cidrs;
    private readonly SortedDictionary<string, TranslationResult> _policies = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, PolicyStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, ResolvedPolicy> _subjects = [];
    private readonly SortedDictionary<ushort, EndpointState> _endpoints = [];
    private readonly HashSet<ushort> _changed = [];
    private readonly List<KeyValuePair<PolicyMapKey, PolicyMapEntry>> _keys = [];
    private readonly HashSet<PolicyMapKey> _keySet = [];

    public PolicyEngine(PolicyEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid policy options: {string.Join("; ", errors)}", nameof(options));
        }
        _options = options;
        _resolver = new MapStateResolver(_cache, options);
        _cidrs = new CidrIdentityAllocator(options.DualStack);
        foreach (var (id, labels) in ReservedIdentities.Initial(options.DualStack))
        {
            _cache.UpsertIdentity(id, labels, []);
        }
    }

    public PolicyEngineOptions Options => _options;

    /// <summary>Incremented on every change of policies, identities or endpoints.</summary>
    public long Revision { get; private set; }

    /// <summary>The status of every policy seen, sorted by <c>Kind namespace/name</c>.</summary>
    public IReadOnlyList<PolicyStatus> PolicyStatuses => [.. _statuses.Values];

    /// <summary>The local endpoints, sorted.</summary>
    public IReadOnlyList<ushort> Endpoints => [.. _endpoints.Keys];

    /// <summary>Endpoints with changes not yet taken by <see cref="TakeChanges(ushort)"/>.</summary>
    public IReadOnlyList<ushort> EndpointsWithChanges => [.. _changed.Order()];

    /// <summary>Node-local CIDR identities by prefix (for the ipcache).</summary>
    public IReadOnlyDictionary<CidrPrefix, uint> CidrIdentities => new Dictionary<CidrPrefix, uint>(_cidrs.Identities);

    internal SelectorCache Cache => _cache;

    public LabelSet? GetIdentityLabels(uint identity) => _cache.Labels(identity);

    /// <summary>
    /// Adds or replaces a CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or NetworkPolicy. An invalid policy is
    /// rejected with every error (the previous valid version, if any, stays in force); the others are unaffected.
    /// </summary>
    /// <exception cref="ArgumentException">The object is not a policy kind.</exception>
    public PolicyStatus UpsertPolicy(IKubeObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var result = PolicyTranslator.Translate(policy, _options) ?? throw new ArgumentException($"{policy.Kind} is not a policy kind", nameof(policy));
        var key = result.Origin.Key;
        if (!result.IsValid)
        {
            return _statuses[key] = new PolicyStatus(key, false, _policies.ContainsKey(key), result.Errors, result.Warnings);
        }
        _policies.TryGetValue(key, out var old);
        foreach (var prefix in result.Prefixes)
        {
            if (_cidrs.Acquire(prefix, id => _cache.Labels(id) is not null) is { } allocated)
            {
                UpsertIdentityCore(allocated.Id, allocated.Labels);
            }
        }
        _policies[key] = result;
        Revision++;
        RecomputeSubjects(old?.Rules, result.Rules);
        ReleasePrefixes(old);
        return _statuses[key] = new PolicyStatus(key, true, true, [], result.Warnings);
    }

    /// <summary>Removes a policy by kind, namespace (empty when cluster-scoped) and name; false when unknown.</summary>
    public bool DeletePolicy(string kind, string @namespace, string name)
    {
        var key = new PolicyOrigin(kind, @namespace ?? string.Empty, name, string.Empty).Key;
        var known = _statuses.Remove(key);
        if (!_policies.Remove(key, out var old))
        {
            return known;
        }
        Revision++;
        RecomputeSubjects(old.Rules, null);
        ReleasePrefixes(old);
        return true;
    }

    public bool DeletePolicy(IKubeObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var ns = policy is CiliumClusterwideNetworkPolicy ? string.Empty : policy.Metadata.Namespace;
        return DeletePolicy(policy.Kind, ns, policy.Metadata.Name);
    }

    /// <summary>Adds an identity (local, remote cluster, CIDR) or changes its labels; only its own keys change.</summary>
    public void UpsertIdentity(uint identity, LabelSet labels)
    {
        ArgumentOutOfRangeException.ThrowIfZero(identity);
        ArgumentNullException.ThrowIfNull(labels);
        UpsertIdentityCore(identity, labels);
    }

    /// <summary>Removes an identity: every key with it goes away; false when unknown.</summary>
    public bool DeleteIdentity(uint identity)
    {
        var labels = _cache.Labels(identity);
        if (labels is null)
        {
            return false;
        }
        var changes = new List<SelectionChange>();
        _cache.DeleteIdentity(identity, changes);
        _cidrs.Forget(identity, labels);
        Revision++;
        ApplySelectionChanges(identity, changes);
        if (_subjects.ContainsKey(identity))
        {
            Rebuild(identity);
        }
        return true;
    }

    /// <summary>
    /// Adds a local endpoint or changes its identity or named ports; its map is recomputed. Ingress named ports
    /// resolve against <paramref name="namedPorts"/>, egress named ports against those of every local endpoint.
    /// </summary>
    public void UpsertEndpoint(ushort endpointId, uint identity, IReadOnlyList<NamedPort>? namedPorts = null)
    {
        namedPorts ??= [];
        var portsChanged = true;
        if (_endpoints.TryGetValue(endpointId, out var endpoint))
        {
            portsChanged = !endpoint.NamedPorts.SequenceEqual(namedPorts);
            if (endpoint.Identity == identity && !portsChanged)
            {
                return;
            }
            Detach(endpoint);
            endpoint.Identity = identity;
            endpoint.NamedPorts = namedPorts;
        }
        else
        {
            endpoint = new EndpointState(endpointId, identity, namedPorts);
            _endpoints.Add(endpointId, endpoint);
        }
        Revision++;
        Attach(endpoint);
        Regenerate(endpoint);
        if (portsChanged && namedPorts.Count > 0)
        {
            RegenerateNamedPortUsers(endpointId);
        }
    }

    /// <summary>Forgets a local endpoint (its map is deleted as a whole by the caller); false when unknown.</summary>
    public bool DeleteEndpoint(ushort endpointId)
    {
        if (!_endpoints.Remove(endpointId, out var endpoint))
        {
            return false;
        }
        Revision++;
        Detach(endpoint);
        _changed.Remove(endpointId);
        if (endpoint.NamedPorts.Count > 0)
        {
            RegenerateNamedPortUsers(endpointId);
        }
        return true;
    }

    /// <summary>A copy of an endpoint's desired map; null for an unknown endpoint.</summary>
    public PolicyMapState? GetMapState(ushort endpointId) =>
        _endpoints.TryGetValue(endpointId, out var endpoint) ? new PolicyMapState(endpointId, new Dictionary<PolicyMapKey, PolicyMapEntry>(endpoint.Map)) : null;

    /// <summary>The keys written or deleted in an endpoint's map since the last call, each with its current entry.</summary>
    public IReadOnlyList<PolicyMapChange> TakeChanges(ushort endpointId)
    {
        if (!_endpoints.TryGetValue(endpointId, out var endpoint) || endpoint.Pending.Count == 0)
        {
            return [];
        }
        var changes = new List<PolicyMapChange>(endpoint.Pending.Count);
        foreach (var (key, entry) in endpoint.Pending)
        {
            changes.Add(new PolicyMapChange(endpointId, key, entry));
        }
        endpoint.Pending.Clear();
        _changed.Remove(endpointId);
        return changes;
    }

    /// <summary>The changes of every endpoint since the last read, by endpoint.</summary>
    public IReadOnlyList<PolicyMapChange> TakeChanges()
    {
        var all = new List<PolicyMapChange>();
        foreach (var endpointId in EndpointsWithChanges)
        {
            all.AddRange(TakeChanges(endpointId));
        }
        return all;
    }

    public EndpointPolicyStatus? GetEndpointStatus(ushort endpointId)
    {
        if (!_endpoints.TryGetValue(endpointId, out var endpoint) || endpoint.Policy is not { } policy)
        {
            return null;
        }
        return new EndpointPolicyStatus(endpointId, endpoint.Identity, policy.IngressEnforced, policy.EgressEnforced, endpoint.Map.Count, _options.PolicyMapMaxEntries, [.. policy.Rules.Select(r => r.Key).Distinct()]);
    }

    /// <summary>The §4 verdict on an endpoint's desired map; a DROP with no entry for an unknown endpoint.</summary>
    public PolicyVerdict Evaluate(ushort endpointId, TrafficDirection direction, uint identity, byte protocol, ushort port) =>
        _endpoints.TryGetValue(endpointId, out var endpoint)
            ? DatapathVerdict.Evaluate(endpoint.Map, direction, identity, protocol, port)
            : new PolicyVerdict(false, VerdictReason.NoEntry, null, null);

    private void UpsertIdentityCore(uint identity, LabelSet labels)
    {
        var known = _cache.Labels(identity) is not null;
        var changes = new List<SelectionChange>();
        if (!_cache.UpsertIdentity(identity, labels, changes))
        {
            return;
        }
        _cidrs.Observe(identity, labels);
        Revision++;
        ApplySelectionChanges(identity, changes);
        if (_subjects.ContainsKey(identity) && (known || labels.Count > 0))
        {
            Rebuild(identity);
        }
    }

    /// <summary>Replaces <paramref name="identity"/>'s keys in every endpoint whose policy uses a selector that gained or lost it.</summary>
    private void ApplySelectionChanges(uint identity, List<SelectionChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }
        var affected = new HashSet<ResolvedPolicy>();
        foreach (var change in changes)
        {
            affected.UnionWith(change.Selector.Users);
        }
        foreach (var policy in affected)
        {
            foreach (var endpointId in policy.Endpoints)
            {
                var endpoint = _endpoints[endpointId];
                RecomputeIdentity(endpoint, identity);
                if (_options.DualStack && identity == ReservedIdentities.World)
                {
                    RecomputeIdentity(endpoint, ReservedIdentities.WorldIPv4);
                    RecomputeIdentity(endpoint, ReservedIdentities.WorldIPv6);
                }
            }
        }
    }

    private void RecomputeSubjects(IReadOnlyList<PolicyRule>? before, IReadOnlyList<PolicyRule>? after)
    {
        foreach (var subject in _subjects.Keys.ToList())
        {
            var labels = _cache.Labels(subject) ?? LabelSet.Empty;
            if (SelectsAny(before, subject, labels) || SelectsAny(after, subject, labels))
            {
                Rebuild(subject);
            }
        }
    }

    private static bool SelectsAny(IReadOnlyList<PolicyRule>? rules, uint subject, LabelSet labels)
    {
        if (rules is null)
        {
            return false;
        }
        foreach (var rule in rules)
        {
            if (Selects(rule, subject, labels))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A node selector selects only the host; an endpoint selector never does (spec §1.2, §3.1).</summary>
    private static bool Selects(PolicyRule rule, uint subject, LabelSet labels) =>
        rule.SelectsHost == (subject == ReservedIdentities.Host) && rule.Subject.Matches(labels);

    private void Rebuild(uint subject)
    {
        var old = _subjects[subject];
        var rebuilt = BuildPolicy(subject);
        rebuilt.Endpoints.UnionWith(old.Endpoints);
        _subjects[subject] = rebuilt;
        DisposePolicy(old);
        foreach (var endpointId in rebuilt.Endpoints)
        {
            var endpoint = _endpoints[endpointId];
            endpoint.Policy = rebuilt;
            Regenerate(endpoint);
        }
    }

    private void Attach(EndpointState endpoint)
    {
        if (!_subjects.TryGetValue(endpoint.Identity, out var policy))
        {
            policy = BuildPolicy(endpoint.Identity);
            _subjects.Add(endpoint.Identity, policy);
        }
        policy.Endpoints.Add(endpoint.Id);
        endpoint.Policy = policy;
    }

    private void Detach(EndpointState endpoint)
    {
        if (endpoint.Policy is not { } policy)
        {
            return;
        }
        policy.Endpoints.Remove(endpoint.Id);
        endpoint.Policy = null;
        if (policy.Endpoints.Count == 0)
        {
            _subjects.Remove(policy.Subject);
            DisposePolicy(policy);
        }
    }

    /// <summary>Spec §1.6 and §3.1 step 2: the rules selecting <paramref name="subject"/>, enforcement, and filters.</summary>
    private ResolvedPolicy BuildPolicy(uint subject)
    {
        var policy = new ResolvedPolicy(subject);
        var labels = _cache.Labels(subject) ?? LabelSet.Empty;
        var matching = new List<PolicyRule>();
        bool hasIngress = false, ingressDefaultDeny = false, hasEgress = false, egressDefaultDeny = false;
        if (_options.EnforcementMode != PolicyEnforcementMode.Never)
        {
            foreach (var result in _policies.Values)
            {
                foreach (var rule in result.Rules)
                {
                    if (!Selects(rule, subject, labels))
                    {
                        continue;
                    }
                    matching.Add(rule);
                    hasIngress |= rule.Ingress.HasDirection;
                    ingressDefaultDeny |= rule.Ingress is { HasDirection: true, DefaultDeny: true };
                    hasEgress |= rule.Egress.HasDirection;
                    egressDefaultDeny |= rule.Egress is { HasDirection: true, DefaultDeny: true };
                }
            }
        }
        var always = _options.EnforcementMode == PolicyEnforcementMode.Always;
        policy.IngressEnforced = always || hasIngress;
        policy.EgressEnforced = always || hasEgress;
        policy.IngressAllowAll = !policy.IngressEnforced || (hasIngress && !ingressDefaultDeny);
        policy.EgressAllowAll = !policy.EgressEnforced || (hasEgress && !egressDefaultDeny);
        var keys = new List<PortKey>();
        foreach (var rule in matching)
        {
            if (!policy.Rules.Contains(rule.Origin))
            {
                policy.Rules.Add(rule.Origin);
            }
            foreach (var peerRule in rule.PeerRules)
            {
                keys.Clear();
                var named = false;
                foreach (var port in peerRule.Ports)
                {
                    if (port.IsNamed)
                    {
                        named = true;
                    }
                    else if (port.Protocol is Validation.PortValidation.Icmp or Validation.PortValidation.IcmpV6)
                    {
                        keys.Add(new PortKey(port.Protocol, port.Port, 16));
                    }
                    else
                    {
                        PortRange.ToMaskedPorts(port.Protocol, port.Port, port.EndPort, keys);
                    }
                }
                if (peerRule.Ports.Count == 0)
                {
                    keys.Add(PortKey.Any);
                }
                var staticKeys = keys.Distinct().ToArray();
                policy.HasNamedPorts |= named;
                foreach (var selector in peerRule.Peers ?? [IdentitySelector.Wildcard])
                {
                    var cached = _cache.Acquire(selector);
                    cached.Users.Add(policy);
                    var index = policy.Filters.Count;
                    policy.Filters.Add(new Filter(peerRule.Direction, peerRule.Deny, cached, peerRule.Ports, staticKeys, named, rule.Origin));
                    if (cached.IsWildcard)
                    {
                        policy.WildcardFilters.Add(index);
                    }
                    else
                    {
                        if (!policy.FiltersBySelector.TryGetValue(cached, out var indexes))
                        {
                            indexes = [];
                            policy.FiltersBySelector.Add(cached, indexes);
                        }
                        indexes.Add(index);
                    }
                }
            }
        }
        return policy;
    }

    private void DisposePolicy(ResolvedPolicy policy)
    {
        foreach (var filter in policy.Filters)
        {
            filter.Selector.Users.Remove(policy);
            _cache.Release(filter.Selector);
        }
    }

    /// <summary>Full computation of one endpoint's map, written as a difference against what it held.</summary>
    private void Regenerate(EndpointState endpoint)
    {
        var policy = endpoint.Policy!;
        endpoint.FilterKeys = ResolveFilterKeys(endpoint, policy);
        _keys.Clear();
        _resolver.Resolve(endpoint, 0, _keys);
        var identities = new HashSet<uint>();
        foreach (var cached in policy.FiltersBySelector.Keys)
        {
            identities.UnionWith(cached.Selections);
        }
        if (_options.AllowLocalhost == AllowLocalhostMode.Always)
        {
            identities.Add(ReservedIdentities.Host);
        }
        if (_options.DualStack && identities.Contains(ReservedIdentities.World))
        {
            identities.Add(ReservedIdentities.WorldIPv4);
            identities.Add(ReservedIdentities.WorldIPv6);
        }
        foreach (var identity in identities)
        {
            _resolver.Resolve(endpoint, identity, _keys);
        }
        var desired = new Dictionary<PolicyMapKey, PolicyMapEntry>(_keys.Count);
        foreach (var (key, entry) in _keys)
        {
            desired[key] = entry;
        }
        var stale = new List<PolicyMapKey>();
        foreach (var key in endpoint.Map.Keys)
        {
            if (!desired.ContainsKey(key))
            {
                stale.Add(key);
            }
        }
        foreach (var key in stale)
        {
            endpoint.Remove(key);
        }
        foreach (var (key, entry) in desired)
        {
            endpoint.Set(key, entry);
        }
        if (endpoint.Pending.Count > 0)
        {
            _changed.Add(endpoint.Id);
        }
    }

    /// <summary>Replaces one identity's keys in one endpoint's map (spec §3.2 incremental changes).</summary>
    private void RecomputeIdentity(EndpointState endpoint, uint identity)
    {
        _keys.Clear();
        _resolver.Resolve(endpoint, identity, _keys);
        if (endpoint.KeysByIdentity.TryGetValue(identity, out var current))
        {
            _keySet.Clear();
            foreach (var (key, _) in _keys)
            {
                _keySet.Add(key);
            }
            for (var i = current.Count - 1; i >= 0; i--)
            {
                if (!_keySet.Contains(current[i]))
                {
                    endpoint.Remove(current[i]);
                }
            }
        }
        foreach (var (key, entry) in _keys)
        {
            endpoint.Set(key, entry);
        }
        if (endpoint.Pending.Count > 0)
        {
            _changed.Add(endpoint.Id);
        }
    }

    private PortKey[][] ResolveFilterKeys(EndpointState endpoint, ResolvedPolicy policy)
    {
        var keys = new PortKey[policy.Filters.Count][];
        List<NamedPort>? egressPorts = null;
        for (var i = 0; i < keys.Length; i++)
        {
            var filter = policy.Filters[i];
            if (!filter.HasNamedPorts)
            {
                keys[i] = filter.StaticKeys;
                continue;
            }
            IReadOnlyList<NamedPort> candidates = filter.Direction == TrafficDirection.Ingress
                ? endpoint.NamedPorts
                : egressPorts ??= [.. _endpoints.Values.SelectMany(e => e.NamedPorts)];
            var resolved = new List<PortKey>(filter.StaticKeys);
            foreach (var port in filter.Ports)
            {
                if (!port.IsNamed)
                {
                    continue;
                }
                foreach (var named in candidates)
                {
                    if (named.Protocol == port.Protocol && string.Equals(named.Name, port.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        resolved.Add(new PortKey(port.Protocol, named.Port, 16));
                    }
                }
            }
            keys[i] = [.. resolved.Distinct()];
        }
        return keys;
    }

    private void RegenerateNamedPortUsers(ushort except)
    {
        foreach (var endpoint in _endpoints.Values)
        {
            if (endpoint.Id != except && endpoint.Policy is { HasNamedPorts: true })
            {
                Regenerate(endpoint);
            }
        }
    }

    private void ReleasePrefixes(TranslationResult? old)
    {
        if (old is null)
        {
            return;
        }
        foreach (var prefix in old.Prefixes)
        {
            if (_cidrs.Release(prefix) is { } id)
            {
                DeleteIdentity(id);
            }
        }
    }
}
