using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Config.Advertisements;
using Mesh.Bgp.Config.Plan;
using Mesh.Kubernetes.Objects;

namespace Mesh.Bgp.Config;

/// <summary>
/// Pure function from Cilium's BGP v2 resources to what one node runs (Cilium's operator plus agent reconcilers
/// in one step): the CiliumBGPClusterConfig whose <c>nodeSelector</c> matches the node's labels, its instances with
/// the node's CiliumBGPNodeConfigOverride applied, each peer with its CiliumBGPPeerConfig (timers, MD5 secret,
/// graceful restart, multihop, families) and, per family, the routes of the CiliumBGPAdvertisements the family's
/// selector picks. Problems name resource and field; a peer whose plan has errors is kept as it runs.
/// </summary>
public static class BgpNodePlanner
{
    public static NodeBgpPlan Plan(BgpConfigInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var issues = new List<ConfigIssue>();
        var nodeLabels = input.Node?.Metadata.Labels ?? new Dictionary<string, string>();
        var selected = input.ClusterConfigs
            .Where(c => c.NodeSelector is null || c.NodeSelector.Matches(nodeLabels))
            .OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        if (selected.Count == 0)
        {
            return new NodeBgpPlan(input.NodeName, [], [], issues);
        }
        foreach (var conflicting in selected.Skip(1))
        {
            issues.Add(new ConfigIssue($"CiliumBGPClusterConfig {conflicting.Metadata.Name}", "spec.nodeSelector",
                $"node {input.NodeName} is already selected by CiliumBGPClusterConfig {selected[0].Metadata.Name}; ignored for this node (conflicting cluster config)"));
        }
        var cluster = selected[0];
        var clusterResource = $"CiliumBGPClusterConfig {cluster.Metadata.Name}";
        var nodeOverride = input.NodeOverrides.FirstOrDefault(o => o.Metadata.Name == input.NodeName);
        var evaluator = new AdvertisementEvaluator(input, issues);
        var instances = new List<InstancePlan>();
        var peers = new List<PeerPlan>();
        var addresses = new HashSet<IPAddress>();
        var instanceNames = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < cluster.BgpInstances.Count; i++)
        {
            var instance = cluster.BgpInstances[i];
            var field = $"spec.bgpInstances[{i}]";
            var instanceErrors = new List<ConfigIssue>();
            if (!instanceNames.Add(instance.Name))
            {
                instanceErrors.Add(new ConfigIssue(clusterResource, $"{field}.name", $"duplicate instance name '{instance.Name}'"));
            }
            var overrideIndex = nodeOverride is null ? -1 : IndexOf(nodeOverride.BgpInstances, o => o.Name == instance.Name);
            var instanceOverride = overrideIndex >= 0 ? nodeOverride!.BgpInstances[overrideIndex] : null;
            var overrideResource = $"CiliumBGPNodeConfigOverride {input.NodeName}";
            var overrideField = $"spec.bgpInstances[{overrideIndex}]";

            var localAsn = (uint?)(instanceOverride?.LocalAsn ?? instance.LocalAsn);
            if (localAsn is null)
            {
                instanceErrors.Add(new ConfigIssue(clusterResource, $"{field}.localASN", "missing (and no node override sets it)"));
            }
            var routerId = RouterId(input, instanceOverride, overrideResource, overrideField, clusterResource, field, instanceErrors);
            var localPort = (int?)(instanceOverride?.LocalPort ?? instance.LocalPort);
            if (instanceErrors.Count == 0)
            {
                instances.Add(new InstancePlan(instance.Name, localAsn!.Value, routerId!, localPort));
            }
            issues.AddRange(instanceErrors);

            var peerNames = new HashSet<string>(StringComparer.Ordinal);
            for (var p = 0; p < instance.Peers.Count; p++)
            {
                var peer = instance.Peers[p];
                var peerField = $"{field}.peers[{p}]";
                var key = $"{instance.Name}/{peer.Name}";
                var errors = new List<ConfigIssue>(instanceErrors);
                if (!peerNames.Add(peer.Name))
                {
                    errors.Add(new ConfigIssue(clusterResource, $"{peerField}.name", $"duplicate peer name '{peer.Name}'"));
                }
                var peerOverrideIndex = instanceOverride is null ? -1 : IndexOf(instanceOverride.Peers, o => o.Name == peer.Name);
                var planned = PlanPeer(input, evaluator, instance, peer, clusterResource, peerField, localAsn ?? 0, routerId ?? IPAddress.Any,
                    instanceOverride, peerOverrideIndex, overrideResource, overrideField, errors, issues);
                if (planned.Peer is { } desired && !addresses.Add(desired.Address))
                {
                    errors.Add(new ConfigIssue(clusterResource, $"{peerField}.peerAddress", $"{desired.Address} is already a peer of this node"));
                }
                foreach (var error in errors.Skip(instanceErrors.Count))
                {
                    issues.Add(error);
                }
                peers.Add(planned with { Errors = errors });
            }
        }
        return new NodeBgpPlan(input.NodeName, instances, peers, issues);
    }

    private static IPAddress? RouterId(BgpConfigInput input, BgpInstanceOverrideSpec? instanceOverride, string overrideResource, string overrideField,
        string clusterResource, string field, List<ConfigIssue> errors)
    {
        if (instanceOverride is { RouterId.Length: > 0 } o)
        {
            if (IPAddress.TryParse(o.RouterId, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetwork && !parsed.Equals(IPAddress.Any))
            {
                return parsed;
            }
            errors.Add(new ConfigIssue(overrideResource, $"{overrideField}.routerID", $"'{o.RouterId}' is not a non-zero IPv4 address"));
            return null;
        }
        if (input.DefaultRouterId is { } fallback)
        {
            return fallback;
        }
        foreach (var address in input.Node?.Addresses ?? [])
        {
            if (address.Type == "InternalIP" && IPAddress.TryParse(address.Ip, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork)
            {
                return ip;
            }
        }
        errors.Add(new ConfigIssue(clusterResource, field,
            $"no router ID for node {input.NodeName}: set routerID in a CiliumBGPNodeConfigOverride, give the node an IPv4 InternalIP, or pass --router-id"));
        return null;
    }

    private static PeerPlan PlanPeer(BgpConfigInput input, AdvertisementEvaluator evaluator, BgpInstanceSpec instance, BgpPeerSpec peer,
        string clusterResource, string peerField, uint localAsn, IPAddress routerId,
        BgpInstanceOverrideSpec? instanceOverride, int peerOverrideIndex, string overrideResource, string overrideField,
        List<ConfigIssue> errors, List<ConfigIssue> issues)
    {
        var key = $"{instance.Name}/{peer.Name}";
        IPAddress? address = null;
        if (peer.AutoDiscoveryMode.Length > 0 && peer.PeerAddress.Length == 0)
        {
            errors.Add(new ConfigIssue(clusterResource, $"{peerField}.autoDiscovery.mode", $"auto-discovery ('{peer.AutoDiscoveryMode}') is not supported; set peerAddress"));
        }
        else if (!IPAddress.TryParse(peer.PeerAddress, out address))
        {
            errors.Add(new ConfigIssue(clusterResource, $"{peerField}.peerAddress", peer.PeerAddress.Length == 0 ? "missing" : $"'{peer.PeerAddress}' is not an IP address"));
        }

        IPAddress? localAddress = null;
        if (peerOverrideIndex >= 0 && instanceOverride!.Peers[peerOverrideIndex].LocalAddress is { Length: > 0 } local)
        {
            if (!IPAddress.TryParse(local, out localAddress) || (address is not null && localAddress.AddressFamily != address.AddressFamily))
            {
                errors.Add(new ConfigIssue(overrideResource, $"{overrideField}.peers[{peerOverrideIndex}].localAddress",
                    $"'{local}' is not an IP address of the peer's address family"));
            }
        }

        CiliumBgpPeerConfig? peerConfig = null;
        if (peer.PeerConfigRef.Length > 0)
        {
            peerConfig = input.PeerConfigs.FirstOrDefault(c => c.Metadata.Name == peer.PeerConfigRef);
            if (peerConfig is null)
            {
                errors.Add(new ConfigIssue(clusterResource, $"{peerField}.peerConfigRef.name", $"CiliumBGPPeerConfig '{peer.PeerConfigRef}' does not exist"));
            }
        }
        var settings = PeerSettings(input, peerConfig, errors, issues);
        var routes = errors.Count == 0 && settings is not null
            ? Routes(input, evaluator, peerConfig, settings.Value.Families, errors)
            : new Dictionary<Prefix, PathAttributes>();
        if (errors.Count > 0 || settings is not { } s)
        {
            return new PeerPlan(key, null, routes, errors);
        }
        var desired = new DesiredPeer(instance.Name, peer.Name, address!, localAsn, (uint)(peer.PeerAsn ?? 0), routerId)
        {
            Port = s.Port,
            LocalAddress = localAddress,
            HoldTimeSeconds = s.Hold,
            KeepaliveTimeSeconds = s.Keepalive,
            ConnectRetryTimeSeconds = s.ConnectRetry,
            Password = s.Password,
            EbgpMultihop = s.Multihop,
            GracefulRestart = s.GracefulRestart,
            RestartTimeSeconds = s.RestartTime,
            Families = s.Families.Select(f => f.Family).ToArray(),
        };
        return new PeerPlan(key, desired, routes, errors);
    }

    private readonly record struct Settings(
        int Port, ushort Hold, ushort Keepalive, int ConnectRetry, string? Password, int Multihop, bool GracefulRestart, ushort RestartTime,
        IReadOnlyList<(AfiSafi Family, LabelSelector? Advertisements)> Families);

    private static Settings? PeerSettings(BgpConfigInput input, CiliumBgpPeerConfig? config, List<ConfigIssue> errors, List<ConfigIssue> issues)
    {
        var resource = $"CiliumBGPPeerConfig {config?.Metadata.Name}";
        var before = errors.Count;
        var hold = (ushort)(config?.Timers?.HoldTimeSeconds ?? 90);
        var keepalive = (ushort)(config?.Timers?.KeepAliveTimeSeconds ?? 30);
        if (keepalive > hold)
        {
            errors.Add(new ConfigIssue(resource, "spec.timers.keepAliveTimeSeconds", $"{keepalive} must not exceed holdTimeSeconds ({hold})"));
        }
        string? password = null;
        if (config is { AuthSecretRef.Length: > 0 })
        {
            var secret = input.Secrets.FirstOrDefault(s => s.Metadata.Namespace == input.SecretsNamespace && s.Metadata.Name == config.AuthSecretRef);
            if (secret is null || !secret.Data.TryGetValue("password", out var bytes) || bytes.Length == 0)
            {
                // Cilium: the session runs without a password, and the problem is reported (MissingAuthSecret).
                issues.Add(new ConfigIssue(resource, "spec.authSecretRef",
                    $"Secret {input.SecretsNamespace}/{config.AuthSecretRef} with key 'password' not found; the session runs without TCP MD5", IsWarning: true));
            }
            else if (bytes.Length > 80)
            {
                errors.Add(new ConfigIssue(resource, "spec.authSecretRef", $"the password in Secret {input.SecretsNamespace}/{config.AuthSecretRef} is longer than 80 bytes"));
            }
            else
            {
                password = Encoding.UTF8.GetString(bytes);
            }
        }
        var families = new List<(AfiSafi, LabelSelector?)>();
        if (config?.Families is { } list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var f = list[i];
                Afi? afi = f.Afi switch { "ipv4" => Afi.IPv4, "ipv6" => Afi.IPv6, _ => null };
                if (afi is null)
                {
                    errors.Add(new ConfigIssue(resource, $"spec.families[{i}].afi", $"'{f.Afi}' is not ipv4 or ipv6"));
                    continue;
                }
                if (f.Safi != "unicast")
                {
                    errors.Add(new ConfigIssue(resource, $"spec.families[{i}].safi", $"'{f.Safi}' is not supported (unicast only)"));
                    continue;
                }
                var family = new AfiSafi(afi.Value, Safi.Unicast);
                if (families.Exists(x => x.Item1 == family))
                {
                    errors.Add(new ConfigIssue(resource, $"spec.families[{i}]", $"{f.Afi}/{f.Safi} is listed twice"));
                    continue;
                }
                families.Add((family, f.Advertisements));
            }
            if (list.Count == 0)
            {
                errors.Add(new ConfigIssue(resource, "spec.families", "must not be empty"));
            }
        }
        else
        {
            families.Add((AfiSafi.IPv6Unicast, null));
            families.Add((AfiSafi.IPv4Unicast, null));
        }
        if (errors.Count > before)
        {
            return null;
        }
        return new Settings(
            (int)(config?.PeerPort ?? 179),
            hold,
            keepalive,
            (int)(config?.Timers?.ConnectRetryTimeSeconds ?? 120),
            password,
            (int)(config?.EbgpMultihop ?? 1),
            config?.GracefulRestart?.Enabled ?? false,
            (ushort)(config?.GracefulRestart?.RestartTimeSeconds ?? 120),
            families);
    }

    private static Dictionary<Prefix, PathAttributes> Routes(BgpConfigInput input, AdvertisementEvaluator evaluator, CiliumBgpPeerConfig? config,
        IReadOnlyList<(AfiSafi Family, LabelSelector? Advertisements)> families, List<ConfigIssue> errors)
    {
        var merger = new RouteMerger();
        foreach (var (family, selector) in families)
        {
            if (selector is null)
            {
                // Cilium: a family without an advertisement selector advertises nothing.
                continue;
            }
            foreach (var advertisement in input.Advertisements.OrderBy(a => a.Metadata.Name, StringComparer.Ordinal))
            {
                if (!selector.Matches(advertisement.Metadata.Labels))
                {
                    continue;
                }
                if (evaluator.Evaluate(advertisement) is not { } routes)
                {
                    errors.Add(new ConfigIssue($"CiliumBGPPeerConfig {config?.Metadata.Name}", "spec.families",
                        $"selects CiliumBGPAdvertisement {advertisement.Metadata.Name}, which is invalid; this peer keeps its current routes"));
                    continue;
                }
                foreach (var entry in routes)
                {
                    foreach (var prefix in entry.Prefixes)
                    {
                        if (prefix.Afi == family.Afi)
                        {
                            merger.Add(prefix, entry.Attributes);
                        }
                    }
                }
            }
        }
        return new Dictionary<Prefix, PathAttributes>(merger.Build());
    }

    private static int IndexOf<T>(IReadOnlyList<T> items, Func<T, bool> match)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (match(items[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
