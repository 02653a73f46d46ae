using System.Net;

namespace Mesh.KvStore.Cilium.Values;

/// <summary>
/// An ipcache entry (Cilium's IPIdentityPair) at <c>cilium/state/ip/v1/default/&lt;ip&gt;</c>: which security identity
/// an address (or CIDR, when <see cref="PrefixLength"/> is set) belongs to and which node hosts it.
/// </summary>
public sealed record IpIdentityPair
{
    public IPAddress? Ip { get; init; }

    /// <summary>Null for a host entry (Go's nil Mask); otherwise the CIDR length.</summary>
    public int? PrefixLength { get; init; }

    public IPAddress? HostIp { get; init; }

    public uint Id { get; init; }

    /// <summary>Encryption key index.</summary>
    public byte Key { get; init; }

    public string Metadata { get; init; } = string.Empty;

    public string K8sNamespace { get; init; } = string.Empty;

    public string K8sPodName { get; init; } = string.Empty;

    public string K8sServiceAccount { get; init; } = string.Empty;

    /// <summary>Null or empty: not written (omitempty).</summary>
    public IReadOnlyList<NamedPort>? NamedPorts { get; init; }

    /// <summary>The key name: the IP, or <c>ip/len</c> with a mask (Cilium's PrefixString).</summary>
    public string PrefixString => PrefixLength is { } length ? $"{Ip}/{length}" : Ip?.ToString() ?? string.Empty;

    public bool Equals(IpIdentityPair? other) =>
        other is not null && Equals(Ip, other.Ip) && PrefixLength == other.PrefixLength && Equals(HostIp, other.HostIp)
        && Id == other.Id && Key == other.Key && Metadata == other.Metadata && K8sNamespace == other.K8sNamespace
        && K8sPodName == other.K8sPodName && K8sServiceAccount == other.K8sServiceAccount
        && (NamedPorts ?? []).SequenceEqual(other.NamedPorts ?? []);

    public override int GetHashCode() => HashCode.Combine(Ip, PrefixLength, HostIp, Id, K8sPodName);
}
