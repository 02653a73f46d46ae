using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// Reads Cilium's BGP v2 resources (CiliumBGPClusterConfig, CiliumBGPPeerConfig, CiliumBGPAdvertisement,
/// CiliumBGPNodeConfigOverride) field by field with Cilium's spellings. Shapes and ranges are checked here;
/// what the values mean (addresses, communities, ASN rules) is checked by the BGP configuration layer.
/// </summary>
internal static class CiliumBgpReader
{
    private const long MaxAsn = uint.MaxValue;

    public static CiliumBgpClusterConfig ReadClusterConfig(JsonFields o)
    {
        var meta = KubeObjectReader.Meta(o, namespaced: false);
        var spec = o.Object("spec") ?? throw new KubeObjectException("spec", "missing");
        var instances = new List<BgpInstanceSpec>();
        var items = spec.Array("bgpInstances");
        for (var i = 0; i < items.Count; i++)
        {
            var instance = JsonFields.Of(items[i], $"spec.bgpInstances[{i}]");
            var peers = new List<BgpPeerSpec>();
            var peerItems = instance.Array("peers");
            for (var p = 0; p < peerItems.Count; p++)
            {
                var peer = JsonFields.Of(peerItems[p], $"{instance.Child("peers")}[{p}]");
                peers.Add(new BgpPeerSpec(
                    Required(peer, "name"),
                    peer.String("peerAddress"),
                    peer.Integer("peerASN", 0, MaxAsn),
                    peer.Object("peerConfigRef")?.String("name") ?? string.Empty,
                    peer.Object("autoDiscovery")?.String("mode") ?? string.Empty));
            }
            instances.Add(new BgpInstanceSpec(
                Required(instance, "name"),
                instance.Integer("localASN", 1, MaxAsn),
                instance.Integer("localPort", 1, 65535),
                peers));
        }
        return new CiliumBgpClusterConfig(meta, LabelSelectorReader.Read(spec.Object("nodeSelector")), instances);
    }

    public static CiliumBgpPeerConfig ReadPeerConfig(JsonFields o)
    {
        var meta = KubeObjectReader.Meta(o, namespaced: false);
        if (o.Object("spec") is not { } spec)
        {
            return new CiliumBgpPeerConfig(meta, null, null, string.Empty, null, null, null);
        }
        var timers = spec.Object("timers") is { } t
            ? new BgpTimersSpec(
                t.Integer("connectRetryTimeSeconds", 1, int.MaxValue),
                t.Integer("holdTimeSeconds", 3, 65535),
                t.Integer("keepAliveTimeSeconds", 1, 65535))
            : null;
        var gracefulRestart = spec.Object("gracefulRestart") is { } g
            ? new BgpGracefulRestartSpec(g.Bool("enabled") ?? false, g.Integer("restartTimeSeconds", 1, 4095))
            : null;
        List<BgpFamilySpec>? families = null;
        if (spec.Get("families").ValueKind != System.Text.Json.JsonValueKind.Undefined)
        {
            families = [];
            var items = spec.Array("families");
            for (var i = 0; i < items.Count; i++)
            {
                var family = JsonFields.Of(items[i], $"spec.families[{i}]");
                families.Add(new BgpFamilySpec(
                    Required(family, "afi"),
                    Required(family, "safi"),
                    LabelSelectorReader.Read(family.Object("advertisements"))));
            }
        }
        return new CiliumBgpPeerConfig(
            meta,
            spec.Object("transport")?.Integer("peerPort", 1, 65535),
            timers,
            spec.String("authSecretRef"),
            gracefulRestart,
            spec.Integer("ebgpMultihop", 1, 255),
            families);
    }

    public static CiliumBgpAdvertisement ReadAdvertisement(JsonFields o)
    {
        var meta = KubeObjectReader.Meta(o, namespaced: false);
        var spec = o.Object("spec") ?? throw new KubeObjectException("spec", "missing");
        var advertisements = new List<BgpAdvertisementSpec>();
        var items = spec.Array("advertisements");
        for (var i = 0; i < items.Count; i++)
        {
            var a = JsonFields.Of(items[i], $"spec.advertisements[{i}]");
            var service = a.Object("service") is { } s
                ? new BgpServiceAdvertisementSpec(
                    s.Strings("addresses"),
                    s.Integer("aggregationLengthIPv4", 0, 32),
                    s.Integer("aggregationLengthIPv6", 0, 128))
                : null;
            BgpRouteAttributesSpec? attributes = null;
            if (a.Object("attributes") is { } attrs)
            {
                var communities = attrs.Object("communities");
                attributes = new BgpRouteAttributesSpec(
                    communities?.Strings("standard") ?? [],
                    communities?.Strings("wellKnown") ?? [],
                    communities?.Strings("large") ?? [],
                    attrs.Integer("localPreference", 0, uint.MaxValue));
            }
            advertisements.Add(new BgpAdvertisementSpec(
                Required(a, "advertisementType"),
                LabelSelectorReader.Read(a.Object("selector")),
                service,
                a.Object("interface")?.String("name") ?? string.Empty,
                attributes));
        }
        return new CiliumBgpAdvertisement(meta, advertisements);
    }

    public static CiliumBgpNodeConfigOverride ReadNodeConfigOverride(JsonFields o)
    {
        var meta = KubeObjectReader.Meta(o, namespaced: false);
        var spec = o.Object("spec") ?? throw new KubeObjectException("spec", "missing");
        var instances = new List<BgpInstanceOverrideSpec>();
        var items = spec.Array("bgpInstances");
        for (var i = 0; i < items.Count; i++)
        {
            var instance = JsonFields.Of(items[i], $"spec.bgpInstances[{i}]");
            var peers = new List<BgpPeerOverrideSpec>();
            var peerItems = instance.Array("peers");
            for (var p = 0; p < peerItems.Count; p++)
            {
                var peer = JsonFields.Of(peerItems[p], $"{instance.Child("peers")}[{p}]");
                peers.Add(new BgpPeerOverrideSpec(Required(peer, "name"), peer.String("localAddress")));
            }
            instances.Add(new BgpInstanceOverrideSpec(
                Required(instance, "name"),
                instance.String("routerID"),
                instance.Integer("localPort", 1, 65535),
                instance.Integer("localASN", 1, MaxAsn),
                peers));
        }
        return new CiliumBgpNodeConfigOverride(meta, instances);
    }

    private static string Required(JsonFields o, string name)
    {
        var value = o.String(name);
        return value.Length > 0 ? value : throw new KubeObjectException(o.Child(name), "missing");
    }
}
