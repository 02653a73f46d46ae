using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mesh.ClusterMesh.Export.Conversion;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Sources;

namespace Mesh.ClusterMesh.Export.State;

/// <summary>
/// What the local cluster exports, kept up to date from Kubernetes events: each event recomputes only the entries
/// it can affect (a namespace: everything in it; an endpoint: its addresses; a slice: its service) and returns the
/// kvstore changes. Pure: the caller applies the changes to its sync stores.
/// </summary>
public sealed class ClusterExportState
{
    private readonly ExportOptions _options;
    private readonly Dictionary<string, KubeNamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CiliumIdentity> _identities = new(StringComparer.Ordinal);
    // By namespace and name as a pair: a joined "namespace/name" string per endpoint was 100k more strings to make and
    // keep. What an endpoint claimed before is worked out again from its last version when it changes or goes.
    private readonly Dictionary<EndpointKey, CiliumEndpoint> _endpoints = [];
    // One entry per address: the endpoints claiming it and what is exported for it. One table of 100k entries, where
    // claims and exported values apart were two, each looked up and grown for every endpoint.
    private readonly Dictionary<string, IpEntry> _ips = new(StringComparer.Ordinal);
    private int _exportedIps;
    private readonly ExportedIps _exportedIpsView;
    private readonly Dictionary<string, CiliumNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KubeService> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, EndpointSlice>> _slicesByService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _serviceOfSlice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceExport> _exports = new(StringComparer.Ordinal);
    // One map per resource (indexed by the enum): plain string keys hash far faster than (resource, name) tuples.
    // The addresses' exported values live in _ips instead: their map here stays empty.
    private readonly Dictionary<string, byte[]>[] _exported = [.. Enum.GetValues<CiliumResource>().Select(_ => new Dictionary<string, byte[]>(StringComparer.Ordinal))];
    // The endpoint the current event stored, while its entries are recomputed (reset as each event starts).
    private CiliumEndpoint? _applied;
    // Reused by every event: most touch one key, and a fresh set of sets per event was most of the garbage made here.
    private Affected _affected = new();

    public ClusterExportState(ExportOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _exportedIpsView = new ExportedIps(this);
    }

    /// <summary>What is currently exported of one resource, by name.</summary>
    public IReadOnlyDictionary<string, byte[]> ExportedOf(CiliumResource resource) =>
        resource == CiliumResource.Ips ? _exportedIpsView : _exported[(int)resource];

    /// <summary>How many entries are exported, all resources together.</summary>
    public int ExportedCount => _exported.Sum(e => e.Count) + _exportedIps;

    /// <summary>Applies one event and returns the kvstore changes it causes (Synced causes none).</summary>
    public IReadOnlyList<ExportChange> Apply(ObjectEvent change)
    {
        var changes = new List<ExportChange>();
        Apply(change, changes);
        return changes;
    }

    /// <summary>
    /// Applies one event and appends the kvstore changes it causes to <paramref name="changes"/>: for a caller that
    /// hands them on at once and reuses one list for every event.
    /// </summary>
    public void Apply(ObjectEvent change, List<ExportChange> changes)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(changes);
        if (change.Item is not { } item)
        {
            return;
        }
        var upsert = change.Type == ObjectEventType.Upsert;
        var affected = _affected;
        _applied = null;
        switch (item)
        {
            case KubeNamespace ns:
                Set(_namespaces, ns.Metadata.Name, ns, upsert);
                AffectNamespace(ns.Metadata.Name, affected);
                break;
            case CiliumIdentity identity:
                Set(_identities, identity.Metadata.Name, identity, upsert);
                affected.Identities.Add(identity.Metadata.Name);
                break;
            case CiliumEndpoint endpoint:
                ApplyEndpoint(endpoint, upsert, affected);
                break;
            case CiliumNode node:
                Set(_nodes, node.Metadata.Name, node, upsert);
                affected.Nodes.Add(node.Metadata.Name);
                break;
            case KubeService service:
                Set(_services, service.Metadata.Key, service, upsert);
                affected.Services.Add(service.Metadata.Key);
                affected.Exports.Add(service.Metadata.Key);
                break;
            case EndpointSlice slice:
                ApplySlice(slice, upsert, affected);
                break;
            case ServiceExport export:
                Set(_exports, export.Metadata.Key, export, upsert);
                affected.Exports.Add(export.Metadata.Key);
                break;
        }
        Recompute(affected, changes);
        if (!affected.TryClear())
        {
            // A namespace event touched thousands of keys: clearing sets that large on every later event would cost
            // more than starting over.
            _affected = new Affected();
        }
    }

    private static void Set<T>(Dictionary<string, T> map, string key, T value, bool upsert)
    {
        if (upsert)
        {
            map[key] = value;
        }
        else
        {
            map.Remove(key);
        }
    }

    private bool IsGlobal(string ns) => ClusterMeshAnnotations.IsGlobalNamespace(_namespaces.GetValueOrDefault(ns)?.Metadata, _options.DefaultGlobalNamespace);

    private void AffectNamespace(string ns, Affected affected)
    {
        affected.Identities.UnionWith(_identities.Values.Where(i => CiliumConverters.IdentityNamespace(i) == ns).Select(i => i.Metadata.Name));
        foreach (var endpoint in _endpoints.Values)
        {
            if (endpoint.Metadata.Namespace == ns)
            {
                affected.Ips.UnionWith(AddressesOf(endpoint));
            }
        }
        affected.Services.UnionWith(_services.Keys.Where(k => k.StartsWith(ns + "/", StringComparison.Ordinal)));
        affected.Exports.UnionWith(_exports.Keys.Where(k => k.StartsWith(ns + "/", StringComparison.Ordinal)));
    }

    private void ApplyEndpoint(CiliumEndpoint endpoint, bool upsert, Affected affected)
    {
        var key = new EndpointKey(endpoint.Metadata.Namespace, endpoint.Metadata.Name);
        CiliumEndpoint? old;
        if (upsert)
        {
            // One lookup for the version before and the new one in its place.
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_endpoints, key, out _);
            old = slot;
            slot = endpoint;
            _applied = endpoint;
        }
        else
        {
            _endpoints.Remove(key, out old);
        }
        var before = old is null ? [] : AddressesOf(old);
        var after = upsert ? AddressesOf(endpoint) : [];
        // An address no one claims any more keeps its entry until its recompute (every address here is one) has
        // deleted what was exported for it.
        foreach (var address in before)
        {
            if (Array.IndexOf(after, address) < 0)
            {
                ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_ips, address);
                if (!Unsafe.IsNullRef(ref entry))
                {
                    entry.Claims.Remove(key);
                }
            }
            affected.Ips.Add(address);
        }
        foreach (var address in after)
        {
            // The first endpoint to claim an address stays its primary writer until it lets go.
            CollectionsMarshal.GetValueRefOrAddDefault(_ips, address, out _).Claims.Add(key);
            affected.Ips.Add(address);
        }
    }

    private void ApplySlice(EndpointSlice slice, bool upsert, Affected affected)
    {
        var sliceKey = slice.Metadata.Key;
        if (_serviceOfSlice.Remove(sliceKey, out var oldService) && _slicesByService.TryGetValue(oldService, out var oldSlices))
        {
            oldSlices.Remove(sliceKey);
            affected.Services.Add(oldService);
        }
        if (upsert && slice.ServiceName.Length > 0)
        {
            var service = $"{slice.Metadata.Namespace}/{slice.ServiceName}";
            _serviceOfSlice[sliceKey] = service;
            (_slicesByService.TryGetValue(service, out var slices) ? slices : _slicesByService[service] = new(StringComparer.Ordinal))[sliceKey] = slice;
            affected.Services.Add(service);
        }
    }

    /// <summary>The endpoint's addresses in canonical form (invalid ones skipped, duplicates once).</summary>
    private static string[] AddressesOf(CiliumEndpoint endpoint)
    {
        var addressing = endpoint.Addressing;
        // Nearly every pod has one IPv4 address: one array, nothing else made.
        if (addressing.Count == 1 && addressing[0].IPv6.Length == 0)
        {
            return Canonical(addressing[0].IPv4) is { } only ? [only] : [];
        }
        var addresses = new List<string>(addressing.Count * 2);
        for (var i = 0; i < addressing.Count; i++)
        {
            Add(addressing[i].IPv4);
            Add(addressing[i].IPv6);
        }
        return [.. addresses];

        void Add(string text)
        {
            if (Canonical(text) is { } canonical && !addresses.Contains(canonical))
            {
                addresses.Add(canonical);
            }
        }
    }

    /// <summary>The address in canonical form; the text itself when it already is (manifests and the API server nearly always hold that); null when not an address.</summary>
    private static string? Canonical(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (IpText.IsCanonicalIPv4(text))
        {
            return text;
        }
        if (!IPAddress.TryParse(text, out var ip))
        {
            return null;
        }
        Span<char> formatted = stackalloc char[64];
        return ip.TryFormat(formatted, out var length) && formatted[..length].SequenceEqual(text) ? text : ip.ToString();
    }

    private void Recompute(Affected affected, List<ExportChange> changes)
    {
        foreach (var name in affected.IdentitiesOrNone)
        {
            byte[]? value = null;
            if (_identities.TryGetValue(name, out var identity) && CiliumConverters.Identity(identity) is { } labels
                && (CiliumConverters.IdentityNamespace(identity) is not { } ns || IsGlobal(ns)))
            {
                value = labels.Encode();
            }
            Diff(CiliumResource.Identities, name, value, changes);
        }
        foreach (var ip in affected.IpsOrNone)
        {
            DiffIp(ip, changes);
        }
        foreach (var name in affected.NodesOrNone)
        {
            var value = _nodes.TryGetValue(name, out var node) ? ClusterNodeCodec.Encode(CiliumConverters.Node(node, _options)) : null;
            Diff(CiliumResource.Nodes, $"{_options.ClusterName}/{name}", value, changes);
        }
        foreach (var key in affected.ServicesOrNone)
        {
            byte[]? value = null;
            if (_services.TryGetValue(key, out var service) && IsGlobal(service.Metadata.Namespace)
                && CiliumConverters.Service(service, _slicesByService.GetValueOrDefault(key)?.Values ?? Enumerable.Empty<EndpointSlice>(), _options) is { } exported)
            {
                value = ClusterServiceCodec.Encode(exported);
            }
            Diff(CiliumResource.Services, $"{_options.ClusterName}/{key}", value, changes);
        }
        foreach (var key in affected.ExportsOrNone)
        {
            byte[]? value = null;
            if (_options.EnableServiceExports && _exports.TryGetValue(key, out var export) && _services.TryGetValue(key, out var service)
                && IsGlobal(export.Metadata.Namespace) && CiliumConverters.ServiceExport(export, service, _options) is { } spec)
            {
                value = ServiceExportSpecCodec.Encode(spec);
            }
            Diff(CiliumResource.ServiceExports, $"{_options.ClusterName}/{key}", value, changes);
        }
    }

    /// <summary>Diff for one address, in its entry of <see cref="_ips"/>; the entry goes once nothing claims or exports it.</summary>
    private void DiffIp(string ip, List<ExportChange> changes)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_ips, ip);
        if (Unsafe.IsNullRef(ref entry))
        {
            return;
        }
        var value = IpValue(in entry.Claims, ip);
        if (value is null)
        {
            if (entry.Exported is not null)
            {
                entry.Exported = null;
                _exportedIps--;
                changes.Add(new ExportChange(CiliumResource.Ips, ip, null));
            }
            if (entry.Claims.IsEmpty)
            {
                _ips.Remove(ip);
            }
            return;
        }
        if (entry.Exported is null || !entry.Exported.AsSpan().SequenceEqual(value))
        {
            _exportedIps += entry.Exported is null ? 1 : 0;
            entry.Exported = value;
            changes.Add(new ExportChange(CiliumResource.Ips, ip, value));
        }
    }

    private byte[]? IpValue(in IpClaims claims, string ip)
    {
        foreach (var key in claims)
        {
            // Nearly always the endpoint this event applied claims its own addresses: no lookup for it.
            var endpoint = _applied is { } applied && applied.Metadata.Name == key.Name && applied.Metadata.Namespace == key.Namespace
                ? applied
                : _endpoints.GetValueOrDefault(key);
            if (endpoint is not null && IsGlobal(endpoint.Metadata.Namespace))
            {
                return CiliumConverters.EndpointValue(endpoint, ip);
            }
        }
        return null;
    }

    private void Diff(CiliumResource resource, string name, byte[]? value, List<ExportChange> changes)
    {
        var exported = _exported[(int)resource];
        if (value is null)
        {
            if (exported.Remove(name))
            {
                changes.Add(new ExportChange(resource, name, null));
            }
            return;
        }
        ref var old = ref CollectionsMarshal.GetValueRefOrAddDefault(exported, name, out var existed);
        if (!existed || !old.AsSpan().SequenceEqual(value))
        {
            old = value;
            changes.Add(new ExportChange(resource, name, value));
        }
    }

    /// <summary>An endpoint's namespace and name.</summary>
    private readonly record struct EndpointKey(string Namespace, string Name);

    /// <summary>One address: the endpoints claiming it and the value exported for it (null when none is).</summary>
    private struct IpEntry
    {
        public IpClaims Claims;
        public byte[]? Exported;
    }

    /// <summary>The exported addresses as a read-only map over <see cref="_ips"/>, for callers that ask by resource.</summary>
    private sealed class ExportedIps(ClusterExportState state) : IReadOnlyDictionary<string, byte[]>
    {
        public int Count => state._exportedIps;

        public byte[] this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"address {key} is not exported");

        public IEnumerable<string> Keys => this.Select(e => e.Key);

        public IEnumerable<byte[]> Values => this.Select(e => e.Value);

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out byte[] value)
        {
            value = state._ips.TryGetValue(key, out var entry) ? entry.Exported : null;
            return value is not null;
        }

        public IEnumerator<KeyValuePair<string, byte[]>> GetEnumerator()
        {
            foreach (var (ip, entry) in state._ips)
            {
                if (entry.Exported is { } value)
                {
                    yield return new KeyValuePair<string, byte[]>(ip, value);
                }
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// The endpoints claiming one address, first claimant first. Nearly every address has exactly one, which is kept
    /// inline (no list per address: 100k of them were a good share of what the GC had to move).
    /// </summary>
    private struct IpClaims
    {
        private EndpointKey? _first;
        private List<EndpointKey>? _more;

        public readonly bool IsEmpty => _first is null;

        public void Add(EndpointKey key)
        {
            if (_first is null)
            {
                _first = key;
            }
            else if (_first != key && _more?.Contains(key) != true)
            {
                (_more ??= []).Add(key);
            }
        }

        public bool Remove(EndpointKey key)
        {
            if (_first == key)
            {
                if (_more is { Count: > 0 } more)
                {
                    _first = more[0];
                    more.RemoveAt(0);
                }
                else
                {
                    _first = null;
                }
                return true;
            }
            return _more?.Remove(key) == true;
        }

        public readonly Enumerator GetEnumerator() => new(this);

        public struct Enumerator(IpClaims claims)
        {
            private int _index = -1;

            public readonly EndpointKey Current => _index == 0 ? claims._first!.Value : claims._more![_index - 1];

            public bool MoveNext() => claims._first is not null && ++_index <= (claims._more?.Count ?? 0);
        }
    }

    /// <summary>Output keys one event can change; most events touch one kind, so the sets exist only once used.</summary>
    private sealed class Affected
    {
        private HashSet<string>? _identities;
        private HashSet<string>? _ips;
        private HashSet<string>? _nodes;
        private HashSet<string>? _services;
        private HashSet<string>? _exports;

        public HashSet<string> Identities => _identities ??= new(StringComparer.Ordinal);

        public HashSet<string> Ips => _ips ??= new(StringComparer.Ordinal);

        public HashSet<string> Nodes => _nodes ??= new(StringComparer.Ordinal);

        public HashSet<string> Services => _services ??= new(StringComparer.Ordinal);

        public HashSet<string> Exports => _exports ??= new(StringComparer.Ordinal);

        // Sets, not sequences: a foreach over them takes no enumerator from the heap (five per event, before).
        public HashSet<string> IdentitiesOrNone => _identities ?? None;

        public HashSet<string> IpsOrNone => _ips ?? None;

        public HashSet<string> NodesOrNone => _nodes ?? None;

        public HashSet<string> ServicesOrNone => _services ?? None;

        public HashSet<string> ExportsOrNone => _exports ?? None;

        /// <summary>Shared and never added to.</summary>
        private static readonly HashSet<string> None = [];

        /// <summary>Empties the sets for the next event; false when one grew too large to be worth keeping.</summary>
        public bool TryClear()
        {
            // Set by set, with no array of them: this runs once per event.
            if (TooLarge(_identities) || TooLarge(_ips) || TooLarge(_nodes) || TooLarge(_services) || TooLarge(_exports))
            {
                return false;
            }
            _identities?.Clear();
            _ips?.Clear();
            _nodes?.Clear();
            _services?.Clear();
            _exports?.Clear();
            return true;

            static bool TooLarge(HashSet<string>? set) => set is { Count: > 64 };
        }
    }
}
