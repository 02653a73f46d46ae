using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;
using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// Turns a Kubernetes object (JSON from the API server, or YAML converted to JSON) into Mesh's typed objects.
/// Kinds Mesh does not use are ignored; malformed objects are an error naming the field.
/// </summary>
public static class KubeObjectReader
{
    /// <summary>Reads one object; null (and no error) for kinds Mesh ignores.</summary>
    public static IKubeObject? Read(JsonElement root)
    {
        var o = JsonFields.Of(root, string.Empty);
        // Kind and group as characters on the stack: no strings made for them on every one of 100k objects.
        Span<char> versionBuffer = stackalloc char[JsonFields.ShortTextLength];
        Span<char> kindBuffer = stackalloc char[JsonFields.ShortTextLength];
        var apiVersion = o.ShortText("apiVersion", versionBuffer);
        var kind = o.ShortText("kind", kindBuffer);
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? ReadOnlySpan<char>.Empty : apiVersion[..slash];
        return kind switch
        {
            "Namespace" when group.IsEmpty => new KubeNamespace(Meta(o, namespaced: false)),
            "CiliumIdentity" when group is "cilium.io" => ReadIdentity(o),
            "CiliumEndpoint" when group is "cilium.io" => ReadEndpoint(o),
            "CiliumNode" when group is "cilium.io" => ReadNode(o),
            "Service" when group.IsEmpty => ReadService(o),
            "EndpointSlice" when group is "discovery.k8s.io" => ReadEndpointSlice(o),
            "ServiceExport" when group is "multicluster.x-k8s.io" => new ServiceExport(Meta(o, namespaced: true)),
            "Secret" when group.IsEmpty => SecretReader.Read(o),
            "CiliumBGPClusterConfig" when group is "cilium.io" => CiliumBgpReader.ReadClusterConfig(o),
            "CiliumBGPPeerConfig" when group is "cilium.io" => CiliumBgpReader.ReadPeerConfig(o),
            "CiliumBGPAdvertisement" when group is "cilium.io" => CiliumBgpReader.ReadAdvertisement(o),
            "CiliumBGPNodeConfigOverride" when group is "cilium.io" => CiliumBgpReader.ReadNodeConfigOverride(o),
            "CiliumNetworkPolicy" when group is "cilium.io" => CiliumPolicyReader.ReadNetworkPolicy(o),
            "CiliumClusterwideNetworkPolicy" when group is "cilium.io" => CiliumPolicyReader.ReadClusterwidePolicy(o),
            "NetworkPolicy" when group is "networking.k8s.io" => NetworkPolicyReader.Read(o),
            _ => null,
        };
    }

    /// <summary>"Kind namespace/name" of a raw object, for log lines about objects that failed to read.</summary>
    public static string Describe(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "(not an object)";
        }
        var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : "(no kind)";
        var meta = root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var name = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "(no name)";
        var ns = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("namespace", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() + "/" : string.Empty;
        return $"{kind} {ns}{name}";
    }

    internal static ObjectMeta Meta(JsonFields o, bool namespaced)
    {
        var meta = o.Object("metadata") ?? throw new KubeObjectException("metadata", "missing");
        var name = meta.String("name");
        if (name.Length == 0)
        {
            throw new KubeObjectException("metadata.name", "missing");
        }
        DateTimeOffset? created = null;
        var createdText = meta.String("creationTimestamp");
        if (createdText.Length > 0)
        {
            created = DateTimeOffset.TryParse(createdText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw new KubeObjectException("metadata.creationTimestamp", $"'{createdText}' is not a time");
        }
        // One string per namespace, not per object: thousands of objects share a handful of namespaces for as long as they live.
        var ns = namespaced ? meta.SharedString("namespace") : string.Empty;
        return new ObjectMeta(
            name,
            namespaced && ns.Length == 0 ? "default" : ns,
            meta.StringMap("labels") ?? ReadOnlyDictionary<string, string>.Empty,
            meta.StringMap("annotations") ?? ReadOnlyDictionary<string, string>.Empty,
            meta.String("resourceVersion"),
            created);
    }

    private static CiliumIdentity ReadIdentity(JsonFields o)
    {
        var meta = Meta(o, namespaced: false);
        if (!uint.TryParse(meta.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new KubeObjectException("metadata.name", $"'{meta.Name}' is not a numeric identity");
        }
        return new CiliumIdentity(meta, o.StringMap("security-labels") ?? ReadOnlyDictionary<string, string>.Empty);
    }

    private static CiliumEndpoint ReadEndpoint(JsonFields o)
    {
        var meta = Meta(o, namespaced: true);
        var status = o.Object("status");
        if (status is not { } s)
        {
            return new CiliumEndpoint(meta, null, [], string.Empty, 0, [], string.Empty);
        }
        var identity = s.Object("identity");
        var networking = s.Object("networking");
        // Arrays of the exact size: a CiliumEndpoint lives as long as the pod, and a list is one more object per field.
        var items = networking?.Array("addressing") ?? [];
        var addressing = items.Count == 0 ? [] : new EndpointAddressPair[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var pair = networking!.Value.Item("addressing", i, items[i]);
            addressing[i] = new EndpointAddressPair(pair.String("ipv4"), pair.String("ipv6"));
        }
        var portItems = s.Array("named-ports");
        var ports = portItems.Count == 0 ? [] : new NamedPortSpec[portItems.Count];
        for (var i = 0; i < portItems.Count; i++)
        {
            var port = s.Item("named-ports", i, portItems[i]);
            ports[i] = new NamedPortSpec(port.String("name"), (int)(port.Integer("port", 1, 65535) ?? 0), port.String("protocol"));
        }
        return new CiliumEndpoint(
            meta,
            identity?.Integer("id", 0, uint.MaxValue) is { } id ? (uint)id : null,
            addressing,
            networking?.String("node") ?? string.Empty,
            (byte)(s.Object("encryption")?.Integer("key", 0, 255) ?? 0),
            ports,
            s.String("service-account"))
        {
            EndpointId = s.Integer("id", 1, ushort.MaxValue) is { } endpointId ? (ushort)endpointId : null,
            IdentityLabels = identity?.Strings("labels") ?? [],
        };
    }

    private static CiliumNode ReadNode(JsonFields o)
    {
        var meta = Meta(o, namespaced: false);
        var spec = o.Object("spec");
        if (spec is not { } s)
        {
            return new CiliumNode(meta, [], [], string.Empty, string.Empty, string.Empty, string.Empty, 0, string.Empty);
        }
        var addresses = new List<NodeAddressSpec>();
        var items = s.Array("addresses");
        for (var i = 0; i < items.Count; i++)
        {
            var address = s.Item("addresses", i, items[i]);
            addresses.Add(new NodeAddressSpec(address.String("type"), address.String("ip")));
        }
        var ipam = s.Object("ipam");
        var health = s.Object("health");
        var ingress = s.Object("ingress");
        return new CiliumNode(
            meta,
            addresses,
            ipam?.Strings("podCIDRs") ?? [],
            health?.String("ipv4") ?? string.Empty,
            health?.String("ipv6") ?? string.Empty,
            ingress?.String("ipv4") ?? string.Empty,
            ingress?.String("ipv6") ?? string.Empty,
            (byte)(s.Object("encryption")?.Integer("key", 0, 255) ?? 0),
            s.String("bootid"));
    }

    private static KubeService ReadService(JsonFields o)
    {
        var meta = Meta(o, namespaced: true);
        var spec = o.Object("spec") ?? throw new KubeObjectException("spec", "missing");
        var clusterIps = spec.Strings("clusterIPs");
        if (clusterIps.Count == 0 && spec.String("clusterIP") is { Length: > 0 } single)
        {
            clusterIps = [single];
        }
        var ports = new List<ServicePortSpec>();
        var items = spec.Array("ports");
        for (var i = 0; i < items.Count; i++)
        {
            var port = spec.Item("ports", i, items[i]);
            var protocol = port.String("protocol");
            ports.Add(new ServicePortSpec(
                port.String("name"),
                protocol.Length == 0 ? "TCP" : protocol,
                (int)(port.Integer("port", 1, 65535) ?? throw new KubeObjectException($"spec.ports[{i}].port", "missing")),
                (int)(port.Integer("nodePort", 0, 65535) ?? 0)));
        }
        var loadBalancerIps = new List<string>();
        var ingress = o.Object("status")?.Object("loadBalancer")?.Array("ingress") ?? [];
        for (var i = 0; i < ingress.Count; i++)
        {
            if (JsonFields.Of(ingress[i], $"status.loadBalancer.ingress[{i}]").String("ip") is { Length: > 0 } ip)
            {
                loadBalancerIps.Add(ip);
            }
        }
        var type = spec.String("type");
        return new KubeService(
            meta,
            type.Length == 0 ? "ClusterIP" : type,
            clusterIps,
            ports,
            spec.StringMap("selector"),
            spec.String("externalTrafficPolicy"),
            spec.Strings("externalIPs"),
            loadBalancerIps,
            spec.String("sessionAffinity"),
            spec.Object("sessionAffinityConfig")?.Object("clientIP")?.Integer("timeoutSeconds", 0, int.MaxValue) is { } timeout ? (int)timeout : null);
    }

    private static EndpointSlice ReadEndpointSlice(JsonFields o)
    {
        var meta = Meta(o, namespaced: true);
        var endpoints = new List<EndpointSpec>();
        var items = o.Array("endpoints");
        for (var i = 0; i < items.Count; i++)
        {
            var e = o.Item("endpoints", i, items[i]);
            var conditions = e.Object("conditions");
            var hintsObject = e.Object("hints");
            var hints = hintsObject?.Array("forZones") ?? [];
            var forZones = new List<string>(hints.Count);
            for (var h = 0; h < hints.Count; h++)
            {
                forZones.Add(hintsObject!.Value.Item("forZones", h, hints[h]).String("name"));
            }
            endpoints.Add(new EndpointSpec(
                e.Strings("addresses"),
                conditions?.Bool("ready"),
                conditions?.Bool("serving"),
                conditions?.Bool("terminating"),
                e.String("nodeName"),
                e.String("zone"),
                e.String("hostname"),
                forZones));
        }
        var ports = new List<EndpointPortSpec>();
        var portItems = o.Array("ports");
        for (var i = 0; i < portItems.Count; i++)
        {
            var port = o.Item("ports", i, portItems[i]);
            var protocol = port.String("protocol");
            ports.Add(new EndpointPortSpec(port.String("name"), protocol.Length == 0 ? "TCP" : protocol, (int)(port.Integer("port", 0, 65535) ?? 0)));
        }
        var addressType = o.String("addressType");
        return new EndpointSlice(meta, addressType.Length == 0 ? "IPv4" : addressType, endpoints, ports);
    }
}
