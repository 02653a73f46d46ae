using System.Net;
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
    private readonly Dictionary<string, CiliumEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _ipClaims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CiliumNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KubeService> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, EndpointSlice>> _slicesByService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _serviceOfSlice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceExport> _exports = new(StringComparer.Ordinal);
    private readonly Dictionary<(CiliumResource, string), byte[]> _exported = [];

    public ClusterExportState(ExportOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Everything currently exported, by resource and name.</summary>
    public IReadOnlyDictionary<(CiliumResource Resource, string Name), byte[]> Exported => _exported;

    /// <summary>Applies one event and returns the kvstore changes it causes (Synced causes none).</summary>
    public IReadOnlyList<ExportChange> Apply(ObjectEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Item is not { } item)
        {
            return [];
        }
        var upsert = change.Type == ObjectEventType.Upsert;
        var affected = new Affected();
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
        return Recompute(affected);
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
        foreach (var endpoint in _endpoints.Values.Where(e => e.Metadata.Namespace == ns))
        {
            affected.Ips.UnionWith(AddressesOf(endpoint));
        }
        affected.Services.UnionWith(_services.Keys.Where(k => k.StartsWith(ns + "/", StringComparison.Ordinal)));
        affected.Exports.UnionWith(_exports.Keys.Where(k => k.StartsWith(ns + "/", StringComparison.Ordinal)));
    }

    private void ApplyEndpoint(CiliumEndpoint endpoint, bool upsert, Affected affected)
    {
        var key = endpoint.Metadata.Key;
        var before = _endpoints.TryGetValue(key, out var old) ? AddressesOf(old) : [];
        var after = upsert ? AddressesOf(endpoint) : [];
        Set(_endpoints, key, endpoint, upsert);
        foreach (var ip in before)
        {
            if (!after.Contains(ip) && _ipClaims.TryGetValue(ip, out var claims) && claims.Remove(key) && claims.Count == 0)
            {
                _ipClaims.Remove(ip);
            }
        }
        foreach (var ip in after)
        {
            // The first endpoint to claim an address stays its primary writer until it lets go.
            var claims = _ipClaims.TryGetValue(ip, out var list) ? list : _ipClaims[ip] = [];
            if (!claims.Contains(key))
            {
                claims.Add(key);
            }
        }
        affected.Ips.UnionWith(before);
        affected.Ips.UnionWith(after);
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

    /// <summary>The endpoint's addresses in canonical form (invalid ones skipped).</summary>
    private static List<string> AddressesOf(CiliumEndpoint endpoint)
    {
        var addresses = new List<string>(endpoint.Addressing.Count * 2);
        foreach (var pair in endpoint.Addressing)
        {
            Add(pair.IPv4);
            Add(pair.IPv6);
        }
        return addresses;

        void Add(string text)
        {
            if (text.Length > 0 && IPAddress.TryParse(text, out var ip) && ip.ToString() is var canonical && !addresses.Contains(canonical))
            {
                addresses.Add(canonical);
            }
        }
    }

    private List<ExportChange> Recompute(Affected affected)
    {
        var changes = new List<ExportChange>();
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
            Diff(CiliumResource.Ips, ip, IpValue(ip), changes);
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
        return changes;
    }

    private byte[]? IpValue(string ip)
    {
        if (!_ipClaims.TryGetValue(ip, out var claims))
        {
            return null;
        }
        foreach (var key in claims)
        {
            if (_endpoints.TryGetValue(key, out var endpoint) && IsGlobal(endpoint.Metadata.Namespace))
            {
                var pair = CiliumConverters.Endpoint(endpoint).FirstOrDefault(p => p.Ip!.ToString() == ip);
                return pair is null ? null : IpIdentityPairCodec.Encode(pair);
            }
        }
        return null;
    }

    private void Diff(CiliumResource resource, string name, byte[]? value, List<ExportChange> changes)
    {
        var key = (resource, name);
        if (value is null)
        {
            if (_exported.Remove(key))
            {
                changes.Add(new ExportChange(resource, name, null));
            }
        }
        else if (!_exported.TryGetValue(key, out var old) || !old.AsSpan().SequenceEqual(value))
        {
            _exported[key] = value;
            changes.Add(new ExportChange(resource, name, value));
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

        public IEnumerable<string> IdentitiesOrNone => _identities ?? Enumerable.Empty<string>();

        public IEnumerable<string> IpsOrNone => _ips ?? Enumerable.Empty<string>();

        public IEnumerable<string> NodesOrNone => _nodes ?? Enumerable.Empty<string>();

        public IEnumerable<string> ServicesOrNone => _services ?? Enumerable.Empty<string>();

        public IEnumerable<string> ExportsOrNone => _exports ?? Enumerable.Empty<string>();
    }
}
