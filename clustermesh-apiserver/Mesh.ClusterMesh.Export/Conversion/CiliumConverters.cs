using System.Net;
using System.Net.Sockets;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Values;
using Mesh.Kubernetes.Objects;

namespace Mesh.ClusterMesh.Export.Conversion;

/// <summary>Kubernetes objects to the values Cilium agents read from etcd (spec §1.3, §2.2). Pure functions.</summary>
public static class CiliumConverters
{
    public const string PodNamespaceLabel = "k8s:io.kubernetes.pod.namespace";

    /// <summary>The identity's label set from <c>security-labels</c> (<c>source:key</c> → value); null when it has none.</summary>
    public static IdentityLabels? Identity(CiliumIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.SecurityLabels.Count == 0)
        {
            return null;
        }
        return IdentityLabels.Create(identity.SecurityLabels.Select(pair =>
        {
            var colon = pair.Key.IndexOf(':', StringComparison.Ordinal);
            return colon > 0
                ? new IdentityLabel(pair.Key[..colon], pair.Key[(colon + 1)..], pair.Value)
                : new IdentityLabel("unspec", pair.Key, pair.Value);
        }));
    }

    /// <summary>The namespace an identity belongs to (its pod-namespace label), or null for cluster-wide identities.</summary>
    public static string? IdentityNamespace(CiliumIdentity identity) => identity?.SecurityLabels.GetValueOrDefault(PodNamespaceLabel);

    /// <summary>One ipcache entry per address of the endpoint; none without an identity.</summary>
    public static IReadOnlyList<IpIdentityPair> Endpoint(CiliumEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var pairs = new List<IpIdentityPair>(2);
        foreach (var addressing in endpoint.Addressing)
        {
            foreach (var text in new[] { addressing.IPv4, addressing.IPv6 })
            {
                if (text.Length > 0 && IPAddress.TryParse(text, out var ip) && EndpointEntry(endpoint, ip) is { } pair)
                {
                    pairs.Add(pair);
                }
            }
        }
        return pairs;
    }

    /// <summary>The ipcache entry of one of the endpoint's addresses; null without an identity.</summary>
    public static IpIdentityPair? EndpointEntry(CiliumEndpoint endpoint, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.IdentityId is not { } id)
        {
            return null;
        }
        return new IpIdentityPair
        {
            Ip = address,
            HostIp = IPAddress.TryParse(endpoint.NodeIp, out var node) ? node : null,
            Id = id,
            Key = endpoint.EncryptionKey,
            K8sNamespace = endpoint.Metadata.Namespace,
            K8sPodName = endpoint.Metadata.Name,
            K8sServiceAccount = endpoint.ServiceAccount,
            NamedPorts = NamedPorts(endpoint),
        };
    }

    /// <summary>
    /// The encoded ipcache entry of <paramref name="address"/> (one of the endpoint's, in canonical form); null without
    /// an identity. IPv4 text, the common case, is written as it is; anything else goes through a parsed address.
    /// </summary>
    public static byte[]? EndpointValue(CiliumEndpoint endpoint, string address)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(address);
        if (endpoint.IdentityId is not { } id)
        {
            return null;
        }
        if (IpText.IsCanonicalIPv4(address) && (endpoint.NodeIp.Length == 0 || IpText.IsCanonicalIPv4(endpoint.NodeIp)))
        {
            return IpIdentityPairCodec.EncodeEndpoint(
                address, endpoint.NodeIp, id, endpoint.EncryptionKey, endpoint.Metadata.Namespace, endpoint.Metadata.Name, endpoint.ServiceAccount, NamedPorts(endpoint));
        }
        return EndpointEntry(endpoint, IPAddress.Parse(address)) is { } pair ? IpIdentityPairCodec.Encode(pair) : null;
    }

    private static List<NamedPort>? NamedPorts(CiliumEndpoint endpoint) =>
        endpoint.NamedPorts.Count == 0 ? null : [.. endpoint.NamedPorts.Select(p => new NamedPort(p.Name, (ushort)p.Port, p.Protocol))];

    /// <summary>The node as the local cluster's: cluster name and ID are always the exporter's own.</summary>
    public static ClusterNode Node(CiliumNode node, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(options);
        var v4 = new List<IPNetwork>();
        var v6 = new List<IPNetwork>();
        foreach (var cidr in node.PodCidrs)
        {
            if (IPNetwork.TryParse(cidr, out var network))
            {
                (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? v4 : v6).Add(network);
            }
        }
        return new ClusterNode
        {
            Name = node.Metadata.Name,
            Cluster = options.ClusterName,
            IpAddresses = [.. node.Addresses.Select(a => new NodeAddress(a.Type, IPAddress.TryParse(a.Ip, out var ip) ? ip : null))],
            IPv4AllocCidr = v4.Count > 0 ? v4[0] : null,
            IPv4SecondaryAllocCidrs = v4.Count > 1 ? v4[1..] : null,
            IPv6AllocCidr = v6.Count > 0 ? v6[0] : null,
            IPv6SecondaryAllocCidrs = v6.Count > 1 ? v6[1..] : null,
            IPv4HealthIp = node.HealthIPv4,
            IPv6HealthIp = node.HealthIPv6,
            IPv4IngressIp = node.IngressIPv4,
            IPv6IngressIp = node.IngressIPv6,
            ClusterId = options.ClusterId,
            Source = "custom-resource",
            EncryptionKey = node.EncryptionKey,
            Labels = node.Metadata.Labels.Count == 0 ? null : node.Metadata.Labels,
            Annotations = null,
            BootId = node.BootId,
        };
    }

    /// <summary>
    /// The exported form of a global, shared service: frontends from its cluster IPs and ports, backends from its
    /// EndpointSlices' ready or serving endpoints. Null when the service is not exported.
    /// </summary>
    public static ClusterService? Service(KubeService service, IEnumerable<EndpointSlice> slices, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        if (!ClusterMeshAnnotations.IsShared(service.Metadata))
        {
            return null;
        }
        var frontends = new SortedDictionary<string, IReadOnlyDictionary<string, L4Address>>(StringComparer.Ordinal);
        if (!service.IsHeadless)
        {
            var ports = new SortedDictionary<string, L4Address>(StringComparer.Ordinal);
            foreach (var port in service.Ports)
            {
                ports[port.Name] = new L4Address(port.Protocol, (ushort)port.Port);
            }
            foreach (var ip in service.ClusterIps.Where(ip => IPAddress.TryParse(ip, out _)))
            {
                frontends[ip] = ports;
            }
        }
        var backends = new SortedDictionary<string, IReadOnlyDictionary<string, L4Address>>(StringComparer.Ordinal);
        var hostnames = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var zones = new SortedDictionary<string, BackendZone>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            var ports = new SortedDictionary<string, L4Address>(StringComparer.Ordinal);
            foreach (var port in slice.Ports.Where(p => p.Port > 0))
            {
                ports[port.Name] = new L4Address(port.Protocol, (ushort)port.Port);
            }
            foreach (var endpoint in slice.Endpoints)
            {
                // Unset conditions mean ready (discovery.k8s.io/v1); serving defaults to ready.
                var ready = endpoint.Ready ?? true;
                var serving = endpoint.Serving ?? ready;
                if (!ready && !serving)
                {
                    continue;
                }
                foreach (var address in endpoint.Addresses.Where(a => IPAddress.TryParse(a, out _)))
                {
                    var merged = backends.TryGetValue(address, out var existing)
                        ? new SortedDictionary<string, L4Address>((IDictionary<string, L4Address>)existing, StringComparer.Ordinal)
                        : new SortedDictionary<string, L4Address>(StringComparer.Ordinal);
                    foreach (var (name, port) in ports)
                    {
                        merged[name] = port;
                    }
                    backends[address] = merged;
                    if (endpoint.Hostname.Length > 0)
                    {
                        hostnames[address] = endpoint.Hostname;
                    }
                    if (endpoint.Zone.Length > 0 || endpoint.ForZones.Count > 0)
                    {
                        zones[address] = new BackendZone(endpoint.Zone, endpoint.ForZones);
                    }
                }
            }
        }
        return new ClusterService
        {
            Cluster = options.ClusterName,
            Namespace = service.Metadata.Namespace,
            Name = service.Metadata.Name,
            Frontends = frontends,
            Backends = backends,
            Hostnames = hostnames.Count == 0 ? null : hostnames,
            Zones = zones.Count == 0 ? null : zones,
            Labels = service.Metadata.Labels,
            Selector = service.Selector,
            IncludeExternal = true,
            Shared = true,
            ClusterId = options.ClusterId,
        };
    }

    /// <summary>An MCS-API export of <paramref name="service"/>; null when the service cannot be exported (ExternalName).</summary>
    public static ServiceExportSpec? ServiceExport(ServiceExport export, KubeService service, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        if (service.Type == "ExternalName")
        {
            return null;
        }
        return new ServiceExportSpec
        {
            Cluster = options.ClusterName,
            Name = export.Metadata.Name,
            Namespace = export.Metadata.Namespace,
            ExportCreationTimestamp = export.Metadata.CreationTimestamp,
            Ports = [.. service.Ports.Select(p => new ServiceExportPort(p.Name, p.Protocol, p.Port))],
            Type = service.IsHeadless ? "Headless" : "ClusterSetIP",
            SessionAffinity = service.SessionAffinity.Length == 0 ? "None" : service.SessionAffinity,
            SessionAffinityTimeoutSeconds = service.SessionAffinity == "ClientIP" ? service.SessionAffinityTimeoutSeconds ?? 10800 : null,
        };
    }
}
