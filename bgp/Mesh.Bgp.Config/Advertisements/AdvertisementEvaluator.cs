using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Kubernetes.Objects;

namespace Mesh.Bgp.Config.Advertisements;

/// <summary>
/// Turns each <c>spec.advertisements[]</c> entry of a CiliumBGPAdvertisement into prefixes for this node:
/// PodCIDR (the CiliumNode's <c>spec.ipam.podCIDRs</c>), Service (LoadBalancerIP / ClusterIP / ExternalIP of the
/// Services its selector picks, host routes or aggregated; with <c>externalTrafficPolicy: Local</c> LB and external
/// IPs only when this node has a ready endpoint) and Interface (the addresses of a local interface, host routes).
/// </summary>
internal sealed class AdvertisementEvaluator(BgpConfigInput input, List<ConfigIssue> issues)
{
    public const string ServiceNameLabel = "io.kubernetes.service.name";
    public const string ServiceNamespaceLabel = "io.kubernetes.service.namespace";

    private readonly Dictionary<string, IReadOnlyList<AdvertisedRoutes>?> _cache = new(StringComparer.Ordinal);

    /// <summary>The routes of <paramref name="advertisement"/>; null when it is invalid (the issues say why).</summary>
    public IReadOnlyList<AdvertisedRoutes>? Evaluate(CiliumBgpAdvertisement advertisement)
    {
        ArgumentNullException.ThrowIfNull(advertisement);
        if (_cache.TryGetValue(advertisement.Metadata.Name, out var cached))
        {
            return cached;
        }
        var resource = $"CiliumBGPAdvertisement {advertisement.Metadata.Name}";
        var result = new List<AdvertisedRoutes>();
        var valid = true;
        for (var i = 0; i < advertisement.Advertisements.Count; i++)
        {
            var spec = advertisement.Advertisements[i];
            var field = $"spec.advertisements[{i}]";
            var attributes = ParseAttributes(spec.Attributes, resource, $"{field}.attributes");
            if (attributes is null)
            {
                valid = false;
                continue;
            }
            IReadOnlyList<Prefix>? prefixes = spec.AdvertisementType switch
            {
                "PodCIDR" => PodCidrs(spec, resource, field),
                "Service" => Services(spec, resource, field),
                "Interface" => Interface(spec, resource, field),
                "CiliumPodIPPool" => Unsupported(resource, field, "CiliumPodIPPool advertisements are not supported (multi-pool IPAM); ignored"),
                _ => null,
            };
            if (prefixes is null)
            {
                if (spec.AdvertisementType is not ("PodCIDR" or "Service" or "Interface"))
                {
                    issues.Add(new ConfigIssue(resource, $"{field}.advertisementType", $"'{spec.AdvertisementType}' is not PodCIDR, CiliumPodIPPool, Service or Interface"));
                }
                valid = false;
                continue;
            }
            result.Add(new AdvertisedRoutes(prefixes, attributes));
        }
        var routes = valid ? result : null;
        _cache[advertisement.Metadata.Name] = routes;
        return routes;
    }

    private List<Prefix>? PodCidrs(BgpAdvertisementSpec spec, string resource, string field)
    {
        if (spec.Selector is not null)
        {
            issues.Add(new ConfigIssue(resource, $"{field}.selector", "not allowed for PodCIDR"));
            return null;
        }
        var prefixes = new List<Prefix>();
        var cidrs = input.Node?.PodCidrs ?? [];
        for (var i = 0; i < cidrs.Count; i++)
        {
            if (Prefix.TryParse(cidrs[i], out var prefix))
            {
                prefixes.Add(prefix);
            }
            else
            {
                issues.Add(new ConfigIssue($"CiliumNode {input.NodeName}", $"spec.ipam.podCIDRs[{i}]", $"'{cidrs[i]}' is not a CIDR", IsWarning: true));
            }
        }
        return prefixes;
    }

    private List<Prefix>? Services(BgpAdvertisementSpec spec, string resource, string field)
    {
        var addresses = spec.Service?.Addresses ?? [];
        if (addresses.Count == 0)
        {
            issues.Add(new ConfigIssue(resource, $"{field}.service.addresses", "Service advertisements need at least one of LoadBalancerIP, ClusterIP, ExternalIP"));
            return null;
        }
        for (var i = 0; i < addresses.Count; i++)
        {
            if (addresses[i] is not ("LoadBalancerIP" or "ClusterIP" or "ExternalIP"))
            {
                issues.Add(new ConfigIssue(resource, $"{field}.service.addresses[{i}]", $"'{addresses[i]}' is not LoadBalancerIP, ClusterIP or ExternalIP"));
                return null;
            }
        }
        var prefixes = new List<Prefix>();
        if (spec.Selector is not { } selector)
        {
            // Cilium: no selector selects no Services.
            return prefixes;
        }
        var v4 = (int?)spec.Service!.AggregationLengthIPv4;
        var v6 = (int?)spec.Service.AggregationLengthIPv6;
        foreach (var service in input.Services)
        {
            if (!selector.Matches(ServiceLabels(service)))
            {
                continue;
            }
            var local = service.ExternalTrafficPolicy == "Local";
            var hasLocalEndpoint = !local || HasLocalEndpoint(service);
            if (addresses.Contains("LoadBalancerIP") && hasLocalEndpoint)
            {
                AddHosts(prefixes, service.LoadBalancerIps, v4, v6, service, "status.loadBalancer.ingress");
            }
            if (addresses.Contains("ExternalIP") && hasLocalEndpoint)
            {
                AddHosts(prefixes, service.ExternalIps, v4, v6, service, "spec.externalIPs");
            }
            if (addresses.Contains("ClusterIP") && !service.IsHeadless)
            {
                AddHosts(prefixes, service.ClusterIps, v4, v6, service, "spec.clusterIPs");
            }
        }
        return prefixes;
    }

    private List<Prefix>? Interface(BgpAdvertisementSpec spec, string resource, string field)
    {
        if (spec.InterfaceName.Length == 0)
        {
            issues.Add(new ConfigIssue(resource, $"{field}.interface.name", "missing"));
            return null;
        }
        var prefixes = new List<Prefix>();
        if (input.Interfaces.TryGetValue(spec.InterfaceName, out var addresses))
        {
            foreach (var address in addresses)
            {
                if (!address.IsIPv6LinkLocal)
                {
                    prefixes.Add(Prefix.Create(address, address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32));
                }
            }
        }
        return prefixes;
    }

    private List<Prefix> Unsupported(string resource, string field, string message)
    {
        issues.Add(new ConfigIssue(resource, $"{field}.advertisementType", message, IsWarning: true));
        return [];
    }

    private static Dictionary<string, string> ServiceLabels(KubeService service)
    {
        var labels = new Dictionary<string, string>(service.Metadata.Labels, StringComparer.Ordinal)
        {
            [ServiceNameLabel] = service.Metadata.Name,
            [ServiceNamespaceLabel] = service.Metadata.Namespace,
        };
        return labels;
    }

    private bool HasLocalEndpoint(KubeService service)
    {
        foreach (var slice in input.EndpointSlices)
        {
            if (slice.Metadata.Namespace != service.Metadata.Namespace || slice.ServiceName != service.Metadata.Name)
            {
                continue;
            }
            foreach (var endpoint in slice.Endpoints)
            {
                if (endpoint.NodeName == input.NodeName && endpoint.Ready != false && endpoint.Addresses.Count > 0)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private void AddHosts(List<Prefix> prefixes, IReadOnlyList<string> addresses, int? v4, int? v6, KubeService service, string field)
    {
        foreach (var text in addresses)
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                issues.Add(new ConfigIssue($"Service {service.Metadata.Key}", field, $"'{text}' is not an IP address", IsWarning: true));
                continue;
            }
            var ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
            var length = ipv6 ? v6 ?? 128 : v4 ?? 32;
            var prefix = Prefix.Create(address, length);
            if (!prefixes.Contains(prefix))
            {
                prefixes.Add(prefix);
            }
        }
    }

    private RouteAttributes? ParseAttributes(BgpRouteAttributesSpec? spec, string resource, string field)
    {
        if (spec is null)
        {
            return RouteAttributes.None;
        }
        var ok = true;
        var communities = new List<Community>();
        for (var i = 0; i < spec.StandardCommunities.Count; i++)
        {
            var text = spec.StandardCommunities[i];
            // "65000:100" or a 32-bit decimal, as Cilium accepts.
            if (Community.TryParse(text, out var community) && (text.Contains(':', StringComparison.Ordinal) || uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                communities.Add(community);
            }
            else
            {
                issues.Add(new ConfigIssue(resource, $"{field}.communities.standard[{i}]", $"'{text}' is not a community (ASN:value or a 32-bit number)"));
                ok = false;
            }
        }
        for (var i = 0; i < spec.WellKnownCommunities.Count; i++)
        {
            if (Community.TryParseWellKnown(spec.WellKnownCommunities[i], out var community))
            {
                communities.Add(community);
            }
            else
            {
                issues.Add(new ConfigIssue(resource, $"{field}.communities.wellKnown[{i}]", $"'{spec.WellKnownCommunities[i]}' is not a well-known community name"));
                ok = false;
            }
        }
        var large = new List<LargeCommunity>();
        for (var i = 0; i < spec.LargeCommunities.Count; i++)
        {
            if (LargeCommunity.TryParse(spec.LargeCommunities[i], out var community))
            {
                large.Add(community);
            }
            else
            {
                issues.Add(new ConfigIssue(resource, $"{field}.communities.large[{i}]", $"'{spec.LargeCommunities[i]}' is not a large community (a:b:c)"));
                ok = false;
            }
        }
        return ok ? new RouteAttributes(communities, large, (uint?)spec.LocalPreference) : null;
    }
}
