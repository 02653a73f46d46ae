using System.Net;

namespace Mesh.KvStore.Cilium.Values;

/// <summary>A node as stored at <c>cilium/state/nodes/v1/&lt;cluster&gt;/&lt;name&gt;</c> (Cilium's node types.Node).</summary>
public sealed record ClusterNode
{
    public string Name { get; init; } = string.Empty;

    public string Cluster { get; init; } = string.Empty;

    public IReadOnlyList<NodeAddress>? IpAddresses { get; init; }

    public IPNetwork? IPv4AllocCidr { get; init; }

    public IReadOnlyList<IPNetwork>? IPv4SecondaryAllocCidrs { get; init; }

    public IPNetwork? IPv6AllocCidr { get; init; }

    public IReadOnlyList<IPNetwork>? IPv6SecondaryAllocCidrs { get; init; }

    public string IPv4HealthIp { get; init; } = string.Empty;

    public string IPv6HealthIp { get; init; } = string.Empty;

    public string IPv4IngressIp { get; init; } = string.Empty;

    public string IPv6IngressIp { get; init; } = string.Empty;

    public uint ClusterId { get; init; }

    public string Source { get; init; } = string.Empty;

    public byte EncryptionKey { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public string WireguardPubKey { get; init; } = string.Empty;

    public string BootId { get; init; } = string.Empty;

    /// <summary>The key name <c>&lt;cluster&gt;/&lt;name&gt;</c>.</summary>
    public string KeyName => $"{Cluster}/{Name}";
}
