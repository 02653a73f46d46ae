using System.Net;
using System.Net.Sockets;
using Mesh.KvStore.Cilium.Values;

namespace Mesh.NodeAgent.IpCache;

/// <summary>Endpoint and node records of any cluster into ipcache claims.</summary>
public static class IpCacheConversion
{
    /// <summary>
    /// An ipcache pair (a local CiliumEndpoint converted the way the apiserver exports it, or a remote cluster's
    /// entry). Endpoints on this node need no tunnel; all others tunnel to their host.
    /// </summary>
    public static IpCacheEntry? FromPair(IpIdentityPair pair, uint clusterId, bool local, IPAddress? thisNode)
    {
        ArgumentNullException.ThrowIfNull(pair);
        if (pair.Ip is null)
        {
            return null;
        }
        var length = pair.PrefixLength ?? (pair.Ip.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32);
        var tunnel = pair.HostIp is { } host && !host.Equals(IPAddress.Any) && !host.Equals(IPAddress.IPv6Any) && !host.Equals(thisNode)
            ? host
            : null;
        return new IpCacheEntry(
            new IPNetwork(Masked(pair.Ip, length), length),
            pair.Id,
            tunnel,
            clusterId,
            pair.Key,
            local ? IpCacheSource.LocalEndpoint : IpCacheSource.RemoteEndpoint);
    }

    /// <summary>
    /// A node's addresses: this node's are the host identity, every other node's remote-node; health IPs are the
    /// health identity.
    /// </summary>
    public static IReadOnlyList<IpCacheEntry> FromNode(ClusterNode node, bool local, bool isThisNode)
    {
        ArgumentNullException.ThrowIfNull(node);
        var source = local ? IpCacheSource.LocalNode : IpCacheSource.RemoteNode;
        var nodeIdentity = isThisNode ? ReservedIdentities.Host : ReservedIdentities.RemoteNode;
        var entries = new List<IpCacheEntry>();
        var seen = new HashSet<IPAddress>();
        foreach (var address in node.IpAddresses ?? [])
        {
            if (address.Ip is { } ip && seen.Add(ip))
            {
                entries.Add(new IpCacheEntry(Host(ip), nodeIdentity, null, node.ClusterId, node.EncryptionKey, source));
            }
        }
        foreach (var text in new[] { node.IPv4HealthIp, node.IPv6HealthIp })
        {
            if (IPAddress.TryParse(text, out var ip) && seen.Add(ip))
            {
                var tunnel = isThisNode ? null : PrimaryAddress(node, ip.AddressFamily);
                entries.Add(new IpCacheEntry(Host(ip), ReservedIdentities.Health, tunnel, node.ClusterId, node.EncryptionKey, source));
            }
        }
        return entries;
    }

    /// <summary>The node's InternalIP of the family, else any address of it: where its pods are tunnelled to.</summary>
    public static IPAddress? PrimaryAddress(ClusterNode node, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(node);
        var addresses = node.IpAddresses ?? [];
        return addresses.FirstOrDefault(a => a.Type == "InternalIP" && a.Ip?.AddressFamily == family)?.Ip
            ?? addresses.FirstOrDefault(a => a.Ip?.AddressFamily == family)?.Ip;
    }

    private static IPNetwork Host(IPAddress ip) => new(ip, ip.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32);

    private static IPAddress Masked(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = length; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }
}
